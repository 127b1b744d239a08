package report

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // a logo may be a JPEG
	_ "image/png"  // or a PNG
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
)

// Brand is the reseller a pack is sent under. A customer's page names
// keepnet-flow only with Credit.
type Brand struct {
	// Name is the reseller's name, in each page's header and footer.
	Name string
	// Logo is the logo as a data: URI (LoadLogo), or empty.
	Logo string
	// Accent is a "#rrggbb" colour for the pages' accents (CheckAccent),
	// or empty for the default blue.
	Accent string
	// Credit adds "Made with keepnet-flow" to the footers.
	Credit bool
}

// MaxLogoBytes bounds a logo file: it is embedded in every customer's
// page, which must stay small enough to mail.
const MaxLogoBytes = 96 << 10

// maxLogoPixels bounds a raster logo's width and height.
const maxLogoPixels = 4096

var accentPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// CheckAccent returns the accent colour in lower case, or an error when it
// is not "#rrggbb".
func CheckAccent(s string) (string, error) {
	if !accentPattern.MatchString(s) {
		return "", errors.New(`is not a colour written #rrggbb, e.g. #0b6e4f`)
	}
	return strings.ToLower(s), nil
}

// LoadLogo reads a logo file and returns it as a data: URI: a PNG, a JPEG
// or an SVG that can do nothing but draw (see LogoDataURI).
func LoadLogo(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("cannot be read: %w", err)
	}
	defer f.Close() //nolint:errcheck // read-only
	data, err := io.ReadAll(io.LimitReader(f, MaxLogoBytes+1))
	if err != nil {
		return "", fmt.Errorf("cannot be read: %w", err)
	}
	if len(data) > MaxLogoBytes {
		return "", fmt.Errorf("is larger than %d KiB; a logo is embedded in every page, so use a smaller file", MaxLogoBytes>>10)
	}
	return LogoDataURI(data)
}

// LogoDataURI checks a logo and returns it as a data: URI. PNG and JPEG
// files are decoded far enough to know they are images of a sensible
// size. An SVG is refused if it could run script or fetch anything:
// script, event attributes, links other than to its own fragments,
// foreign objects, animations, style imports, DOCTYPEs and entities.
// (Browsers run no script in an SVG shown as an image, and the pages'
// Content Security Policy forbids fetching; the logo is checked anyway, as
// a file someone mailed may be opened on its own.)
func LogoDataURI(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")), bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return "", fmt.Errorf("is not a readable PNG or JPEG image: %w", err)
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxLogoPixels || cfg.Height > maxLogoPixels {
			return "", fmt.Errorf("is %d×%d pixels; a logo must be at most %d pixels either way", cfg.Width, cfg.Height, maxLogoPixels)
		}
		return "data:image/" + format + ";base64," + base64.StdEncoding.EncodeToString(data), nil
	case looksLikeSVG(data):
		if err := checkSVG(data); err != nil {
			return "", err
		}
		return "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(data), nil
	}
	return "", errors.New("is not a PNG, JPEG or SVG image")
}

func looksLikeSVG(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 1024)])
	return bytes.Contains(head, []byte("<svg"))
}

// svgForbidden are elements that run script, embed other documents or
// change the drawing over time (an animation can set a link).
var svgForbidden = map[string]bool{
	"script": true, "foreignobject": true, "iframe": true, "object": true, "embed": true, "audio": true, "video": true,
	"handler": true, "listener": true, "set": true, "animate": true, "animatemotion": true, "animatetransform": true,
	"animatecolor": true, "discard": true,
}

// checkSVG refuses an SVG that could do more than draw.
func checkSVG(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	depth, root := 0, ""
	inStyle := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("is not a well-formed SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return errors.New("is an SVG with a DOCTYPE or entity declarations; save it without them")
		case xml.ProcInst:
			if t.Target != "xml" {
				return fmt.Errorf("is an SVG with a <?%s?> instruction, which may fetch a style sheet", t.Target)
			}
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if depth == 0 {
				root = name
			}
			depth++
			if svgForbidden[name] {
				return fmt.Errorf("is an SVG with a <%s> element; a logo may only draw (no script, animation or embedded content)", t.Name.Local)
			}
			inStyle = name == "style"
			for _, a := range t.Attr {
				if err := checkSVGAttr(a); err != nil {
					return err
				}
			}
		case xml.EndElement:
			depth--
			inStyle = false
		case xml.CharData:
			if inStyle {
				if err := checkCSS(string(t)); err != nil {
					return err
				}
			}
		}
	}
	if root != "svg" {
		return errors.New("is not an SVG image: its root element is not <svg>")
	}
	return nil
}

func checkSVGAttr(a xml.Attr) error {
	name := strings.ToLower(a.Name.Local)
	value := strings.ToLower(strings.TrimSpace(a.Value))
	switch {
	case strings.HasPrefix(name, "on"):
		return fmt.Errorf("is an SVG with an event attribute (%s), which runs script", a.Name.Local)
	case name == "href" && !strings.HasPrefix(value, "#"):
		return fmt.Errorf("is an SVG that links to %.60q; a logo may only refer to its own parts (#id)", a.Value)
	case strings.Contains(value, "javascript:"):
		return errors.New("is an SVG with a javascript: URL")
	case name == "style":
		return checkCSS(value)
	}
	return nil
}

// checkCSS refuses style that imports or refers to anything but the
// SVG's own parts.
func checkCSS(css string) error {
	css = strings.ToLower(css)
	if strings.Contains(css, "@import") {
		return errors.New("is an SVG whose style imports another style sheet")
	}
	for rest := css; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return nil
		}
		rest = strings.TrimLeft(rest[i+4:], " \t\n'\"")
		if !strings.HasPrefix(rest, "#") {
			return errors.New("is an SVG whose style refers to a URL; a logo may only refer to its own parts (#id)")
		}
	}
}
