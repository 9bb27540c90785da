// Package usermigrate owns the legacy → auth copy: the preflight that
// classifies every legacy row, the mapping, the copy itself and the rejects
// report. It works on the executor it is handed.
package usermigrate
