// Package browser prints the reports' pages to PDF with a locally
// installed headless Chromium or Chrome: the browser lays a page out for
// paper as its reader would see it printed (its @media print rules and
// page breaks), which no Go PDF library does from HTML and CSS.
package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// names are the commands Chromium and Chrome are installed as, in the
// order looked for: first their old headless shells, made for printing
// and screenshots, which start in a fraction of the browser's time
// (Debian's chromium-headless-shell prints a customer's page in about 2 s
// where chromium takes 3.3 s on the same machine), then the browsers.
var names = []string{"chromium-headless-shell", "chrome-headless-shell", "chromium", "chromium-browser",
	"google-chrome", "google-chrome-stable", "chrome", "microsoft-edge"}

// ErrNotFound is Find's error when no browser is installed.
var ErrNotFound = errors.New("no Chromium or Chrome found on PATH (looked for " + strings.Join(names, ", ") +
	"); install one: Debian or Ubuntu: apt-get install chromium-headless-shell (or chromium); Fedora: dnf install chromium; macOS: brew install --cask chromium; or Google Chrome from google.com/chrome")

// Find returns the browser to print with: path when given (a command name
// or a file), else the first of Chromium's and Chrome's usual names found
// on PATH.
func Find(path string) (string, error) {
	if path != "" {
		bin, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%s is not a program that can be run: %w", path, err)
		}
		return bin, nil
	}
	for _, n := range names {
		if bin, err := exec.LookPath(n); err == nil {
			return bin, nil
		}
	}
	return "", ErrNotFound
}

// Printer prints HTML files to PDF with a browser.
type Printer struct {
	// Bin is the browser (Find).
	Bin string
	// Timeout bounds one page's printing; zero means a minute.
	Timeout time.Duration
}

// maxStderr bounds how much of the browser's complaints an error repeats.
const maxStderr = 2000

// PrintPDF prints the HTML file page to the PDF file pdf, as the page's
// print style lays it out (A4 unless the page says otherwise), without the
// browser's header and footer. The browser runs headless with a profile
// of its own, deleted after, and is told not to reach the network; the
// page's Content Security Policy forbids fetching anyway.
func (p Printer) PrintPDF(ctx context.Context, page, pdf string) error {
	timeout := p.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	profile, err := os.MkdirTemp("", "keepnet-print-")
	if err != nil {
		return fmt.Errorf("print %s: %w", filepath.Base(page), err)
	}
	defer os.RemoveAll(profile) //nolint:errcheck // a temporary profile; nothing to keep
	abs, err := filepath.Abs(page)
	if err != nil {
		return err
	}
	args := []string{
		"--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir=" + profile, "--no-pdf-header-footer", "--print-to-pdf=" + pdf,
	}
	if os.Geteuid() == 0 {
		// Chromium refuses to run as root with its sandbox; the page has
		// no script and may fetch nothing.
		args = append(args, "--no-sandbox")
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	cmd := exec.CommandContext(ctx, p.Bin, append(args, u.String())...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("print %s: %s took longer than %s", filepath.Base(page), filepath.Base(p.Bin), timeout)
		}
		return fmt.Errorf("print %s: %s failed (%v): %s", filepath.Base(page), filepath.Base(p.Bin), err, tail(stderr.String()))
	}
	head := make([]byte, 5)
	f, err := os.Open(pdf)
	if err == nil {
		_, err = f.Read(head)
		f.Close() //nolint:errcheck // read-only
	}
	if err != nil || string(head) != "%PDF-" {
		return fmt.Errorf("print %s: %s wrote no PDF: %s", filepath.Base(page), filepath.Base(p.Bin), tail(stderr.String()))
	}
	return nil
}

// tail is the end of the browser's output, on one line.
func tail(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxStderr {
		s = "…" + s[len(s)-maxStderr:]
	}
	if s == "" {
		return "it said nothing"
	}
	return s
}
