/**
 * Scanning: an inventory matched against the advisory DB gives findings, one per package and vulnerability, each
 * attributed to the layer that installed the package and to the base image or the application; findings are then
 * filtered by the user's gates and suppressions, summarised into remediation advice, and written as reports.
 * Matching is pure and cheap, so stored inventories are re-matched whenever the advisories change.
 */
package io.drydock.scan;
