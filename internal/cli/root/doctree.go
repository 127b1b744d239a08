package root

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/factory"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
)

// DocTree is the command tree as the generated reference documents it:
// with the help and completion commands a run adds, and without cobra's
// "auto generated on <date>" line, so that the reference changes only when
// the commands do.
func DocTree() *cobra.Command {
	settings := &factory.Settings{}
	f, _ := factory.New(iostreams.New(nil, io.Discard, io.Discard), settings) // nothing is started, so nothing to close
	root := NewCmdRoot(f, settings)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var noDateTag func(*cobra.Command)
	noDateTag = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		for _, sub := range c.Commands() {
			noDateTag(sub)
		}
	}
	noDateTag(root)
	return root
}
