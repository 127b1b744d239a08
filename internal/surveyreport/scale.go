package surveyreport

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// ScalePoint is one option of a rating-scale question.
type ScalePoint struct {
	OptionCount
	// Level places the option on the scale: below zero for the negative
	// side, zero for a neutral midpoint, above zero for the positive side.
	// Only the order and the sign are meaningful.
	Level int
}

// RatingScale returns the question's options from the most negative to the
// most positive, and true, when the question is a rating (Likert) scale.
//
// The rule: the question has 3 to 11 options and every one of them is a
// point of the same scale, recognised from its text or else from its SCORM
// response code (the part after the leading number: "4_Strongly_Agree"
// reads "strongly agree"). Known scales are agreement (strongly disagree …
// strongly agree), satisfaction (very dissatisfied … very satisfied),
// likelihood (very unlikely … very likely) and frequency (never … always),
// each with "neutral", "neither … nor …", "undecided", "not sure" as a
// midpoint, and plain numbers forming a run such as 1–5 (low is negative).
// The scale must have a negative and a positive side, no two options may
// be the same point, and when a session listed the options they must run
// from one end of the scale to the other (either way round), as a rating
// scale is shown. Anything else, "How do you report a suspicious email?"
// with numbered codes included, is a plain choice question.
func (q Question) RatingScale() ([]ScalePoint, bool) {
	n := len(q.Options)
	if n < 3 || n > 11 {
		return nil, false
	}
	points := make([]ScalePoint, n)
	if levels, ok := numericLevels(q.Options); ok {
		for i, o := range q.Options {
			points[i] = ScalePoint{OptionCount: o, Level: levels[i]}
		}
	} else {
		family := ""
		for i, o := range q.Options {
			a, ok := anchorOf(o.Option)
			if !ok {
				a, ok = anchorOf(q.codes[o.Option])
			}
			if !ok || (a.family != "" && family != "" && a.family != family) {
				return nil, false
			}
			if a.family != "" {
				family = a.family
			}
			points[i] = ScalePoint{OptionCount: o, Level: a.level}
		}
		if family == "" {
			return nil, false
		}
	}
	if q.listed && !monotonic(points) {
		return nil, false
	}
	slices.SortStableFunc(points, func(a, b ScalePoint) int { return a.Level - b.Level })
	for i := 1; i < n; i++ {
		if points[i].Level == points[i-1].Level {
			return nil, false
		}
	}
	if points[0].Level >= 0 || points[n-1].Level <= 0 {
		return nil, false
	}
	return points, true
}

func monotonic(points []ScalePoint) bool {
	up, down := true, true
	for i := 1; i < len(points); i++ {
		up = up && points[i].Level > points[i-1].Level
		down = down && points[i].Level < points[i-1].Level
	}
	return up || down
}

// numericLevels recognises options that are consecutive whole numbers
// ("1" … "5"), centred on their midpoint and doubled so that the midpoint
// of an odd run is zero.
func numericLevels(opts []OptionCount) ([]int, bool) {
	nums := make([]int, len(opts))
	for i, o := range opts {
		v, err := strconv.Atoi(strings.TrimSpace(o.Option))
		if err != nil {
			return nil, false
		}
		nums[i] = v
	}
	lo, hi := slices.Min(nums), slices.Max(nums)
	if hi-lo != len(nums)-1 {
		return nil, false
	}
	levels := make([]int, len(nums))
	for i, v := range nums {
		levels[i] = 2*v - lo - hi
	}
	return levels, true
}

// anchor is a known point of a rating scale; a midpoint has no family, as
// it belongs to every scale.
type anchor struct {
	family string
	level  int
}

// anchors maps normalised option texts to scale points.
var anchors = buildAnchors()

func buildAnchors() map[string]anchor {
	m := map[string]anchor{}
	for _, pair := range []struct{ family, neg, pos string }{
		{"agreement", "disagree", "agree"},
		{"satisfaction", "dissatisfied", "satisfied"},
		{"likelihood", "unlikely", "likely"},
	} {
		for _, w := range []string{"strongly", "very", "extremely", "completely", "totally"} {
			m[w+" "+pair.neg] = anchor{pair.family, -3}
			m[w+" "+pair.pos] = anchor{pair.family, 3}
		}
		m[pair.neg] = anchor{pair.family, -2}
		m[pair.pos] = anchor{pair.family, 2}
		for _, w := range []string{"somewhat", "slightly", "mildly", "moderately", "mostly"} {
			m[w+" "+pair.neg] = anchor{pair.family, -1}
			m[w+" "+pair.pos] = anchor{pair.family, 1}
		}
		m["neither "+pair.pos+" nor "+pair.neg] = anchor{"", 0}
		m["neither "+pair.neg+" nor "+pair.pos] = anchor{"", 0}
	}
	for text, level := range map[string]int{
		"never": -4, "rarely": -2, "seldom": -2, "sometimes": 0, "often": 2, "very often": 3, "always": 4,
	} {
		m[text] = anchor{"frequency", level}
	}
	for _, text := range []string{"neutral", "undecided", "not sure", "unsure"} {
		m[text] = anchor{"", 0}
	}
	return m
}

func anchorOf(text string) (anchor, bool) {
	a, ok := anchors[normaliseAnchor(text)]
	return a, ok
}

// normaliseAnchor lowercases text, reads anything but letters and digits
// as a space, and drops a leading number, so that "5 - Strongly agree" and
// the SCORM code "5_Strongly_Agree" both read "strongly agree".
func normaliseAnchor(text string) string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 0 {
		if _, err := strconv.Atoi(words[0]); err == nil {
			words = words[1:]
		}
	}
	return strings.Join(words, " ")
}
