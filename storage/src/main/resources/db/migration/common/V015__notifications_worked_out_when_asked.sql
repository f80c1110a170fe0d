-- Larch schema, version 15: GET /notifications is worked out when asked (core.push.NotificationService), as the
-- unread counts in /sync are, instead of a row per recipient written for every event (N rows per message in a room
-- of N local users, which was most of the send path's database work).
DROP TABLE notifications;
