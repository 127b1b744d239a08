package cmdutil

import (
	"errors"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Hint is what the CLI adds to an error the library reports in its own
// terms: which command lists the names it takes, which flag or setting
// resolves it. The library's errors name no command, flag or variable.
func Hint(err error) string {
	var (
		input   *workflows.InputError
		listing *workflows.ListingError
	)
	switch {
	case errors.As(err, &listing) && !errors.Is(err, workflows.ErrIncomplete):
		// A pull keeps what it found and says so itself (exit 3); anything
		// else stopped before its first write.
		return " (its pages would not come whole however often they were read; nothing was written)"
	case errors.Is(err, keepnet.ErrCredentialsRejected):
		return " (check " + keepnet.EnvClientID + " and " + keepnet.EnvClientSecret + ", or --client-secret-file)"
	case errors.As(err, &input) && input.Unknown():
		if command, ok := listingCommands[input.Field]; ok {
			return " ('keepnet-flow " + command + "' lists them)"
		}
	case errors.As(err, &input) && optionFlags[input.Option] != "":
		return " (" + optionFlags[input.Option] + ")"
	}
	return ""
}

// optionFlags names the flag of each request option a library error may
// point to (workflows.InputError.Option).
var optionFlags = map[string]string{
	"AllowDuplicate":   "--allow-duplicate",
	"Schedule":         "--schedule",
	"AwardCertificate": "--certificate",
	"SkipMissing":      "--skip-missing",
	"SettleWindow":     "--settle-window",
	"IncludeTests":     "--include-tests",
}

// OptionFlag is the flag of a request option the library names
// (workflows.InputError.Option, workflows.Wait.Option), or "".
func OptionFlag(option string) string { return optionFlags[option] }

// listingCommands names the command that lists each kind of name a flow
// takes.
var listingCommands = map[string]string{
	"company":    "companies",
	"training":   "trainings --company …",
	"group":      "groups --company …",
	"enrollment": "enrollments --company …",
}

// FlagWords is a library notice in the CLI's words: the request options
// it names (workflows.PhishingRequest.IncludeTests, say) as their flags.
func FlagWords(notice string) string {
	for option, flag := range optionFlags {
		notice = strings.ReplaceAll(notice, option+" ", flag+" ")
	}
	return notice
}
