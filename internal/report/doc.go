// Package report is the monthly customer pack: for a period, one
// self-contained page per customer company (training completion and
// overdue users, phishing simulations with scanner activity apart and
// repeat clickers, surveys), and an overview of all of them, under the
// reseller's name, as HTML or printed to PDF.
//
// Records come into a Collector from any input (a pull from the service,
// saved pulls, a sync database), deduplicated by company, source and user;
// Build aggregates them into a Pack, and Write writes its files. Whichever
// the input, the same records give the same pack: nothing on a page
// depends on the order records came in.
package report
