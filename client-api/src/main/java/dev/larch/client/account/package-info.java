/**
 * Accounts: registration, login and logout, password change, deactivation, and device management, as thin routes
 * over {@link dev.larch.core.user.AccountService}.
 */
package dev.larch.client.account;
