package report

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// OverviewName is the overview's file name, without extension: the page a
// browser opens first in a directory.
const OverviewName = "index"

// maxNameLen bounds a customer's file name, without extension.
const maxNameLen = 60

// FileNames names each customer's page (p.Customers' order) with ext
// (".html", ".pdf"): the customer's name in lower-case ASCII letters and
// digits joined by dashes, accents dropped ("Zoë & Co." → "zoe-co"), cut
// to a sensible length, made unique, and never the overview's or a name
// Windows reserves. A name with nothing left is the company's ID, or
// "customer-N".
func FileNames(p *Pack, ext string) []string {
	used := map[string]bool{OverviewName: true}
	out := make([]string, len(p.Customers))
	for i, c := range p.Customers {
		base := slug(c.Company.Name)
		if base == "" {
			base = slug(c.Company.ID)
		}
		if base == "" {
			base = fmt.Sprintf("customer-%d", i+1)
		}
		if windowsReserved[base] {
			base += "-company"
		}
		name := base
		for n := 2; used[name]; n++ {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		used[name] = true
		out[i] = name + ext
	}
	return out
}

// slug is s as a file name's safe part.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
			// an accent NFKD took off its letter
		default:
			dash = true
		}
		if b.Len() >= maxNameLen {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// windowsReserved are device names Windows will not give a file, whatever
// its extension.
var windowsReserved = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// fold is s as names are sorted: lower case, accents dropped, so "Åsa"
// sorts with "Asa" rather than after "Zora".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
