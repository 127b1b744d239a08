package root

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
)

// checkArgs catches two mistakes that cobra reports misleadingly, before
// anything runs:
//
//   - a flag whose value is missing takes the next flag as its value, so
//     "--company --enrollment X" reads as a company named "--enrollment" and
//     a stray argument X ("unknown command X");
//   - a mistyped command followed by its flags ("surve-results --company
//     X") fails on the first flag the root lacks ("unknown flag: --company"),
//     when the command is what is wrong.
func checkArgs(root *cobra.Command, args []string) error {
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		return nil // a shell asking for completions: partial input is its normal state
	}
	// Execute adds these; Find must know them first.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd(args...)
	cmd, _, err := root.Find(args)
	if err != nil || cmd.DisableFlagParsing { // cobra says what is wrong; __complete parses its own
		return nil
	}
	cmd.InheritedFlags() // merges the root's flags into cmd.Flags(), as parsing would
	if cmd == root {
		if word := firstWord(root, args); word != "" {
			return unknownCommand(root, word)
		}
		return nil
	}
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--" {
			return nil
		}
		f := flagOf(cmd, args[i])
		if f == nil || f.NoOptDefVal != "" || strings.Contains(args[i], "=") {
			continue // not a flag of cmd that takes the next word as its value
		}
		if next := args[i+1]; flagOf(cmd, next) != nil {
			return cmdutil.FlagErrorWrap(fmt.Errorf("flag needs an argument: %s (the next word, %s, is a flag; to pass it as the value, write %s=%s)", args[i], next, args[i], next), cmd.CommandPath())
		}
		i++ // the value
	}
	return nil
}

// firstWord is the first argument that is neither a flag of the root nor
// such a flag's value: a command name, when there is one.
func firstWord(root *cobra.Command, args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return ""
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return a
		}
		if f := flagOf(root, a); f != nil && f.NoOptDefVal == "" && !strings.Contains(a, "=") {
			i++ // the value
		}
	}
	return ""
}

// flagOf is the flag of cmd (its own or inherited) that arg names ("--name",
// "--name=value", "-n"), or nil.
func flagOf(cmd *cobra.Command, arg string) *pflag.Flag {
	switch {
	case strings.HasPrefix(arg, "--") && len(arg) > 2:
		name, _, _ := strings.Cut(arg[2:], "=")
		return cmd.Flags().Lookup(name)
	case strings.HasPrefix(arg, "-") && len(arg) == 2:
		return cmd.Flags().ShorthandLookup(arg[1:])
	}
	return nil
}
