/** The federation API's HTTP plumbing: request copies, X-Matrix authentication, worker threading. */
package dev.larch.federation.http;
