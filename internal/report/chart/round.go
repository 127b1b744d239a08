package chart

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Percents rounds counts' shares of total to whole percents. When the
// counts make up the total (each user counted once), the percents add up
// to exactly 100 by the largest-remainder method: each share is rounded
// down, and the points left over go to the shares that lost the most, so
// a bar never reads 98% or 101%. Counts that do not make up their total
// (several options chosen per user) are each rounded to the nearest.
// A total of 0 gives all zeros.
func Percents(counts []int, total int) []int {
	out := make([]int, len(counts))
	if total <= 0 {
		return out
	}
	sum := 0
	for _, c := range counts {
		sum += c
	}
	if sum != total {
		for i, c := range counts {
			out[i] = (200*c + total) / (2 * total) // half up
		}
		return out
	}
	type rest struct{ i, rem int }
	rests := make([]rest, len(counts))
	given := 0
	for i, c := range counts {
		out[i] = 100 * c / total
		given += out[i]
		rests[i] = rest{i, 100 * c % total}
	}
	// Larger remainders first; among equals the earlier option, so the
	// result does not depend on sort stability.
	slices.SortFunc(rests, func(a, b rest) int { return cmp.Or(cmp.Compare(b.rem, a.rem), cmp.Compare(a.i, b.i)) })
	for k := 0; given < 100 && k < len(rests); k++ {
		if rests[k].rem == 0 {
			break
		}
		out[rests[k].i]++
		given++
	}
	return out
}

// Percent is n of total as whole percent text ("42%"), or "–" when total
// is 0.
func Percent(n, total int) string {
	if total <= 0 {
		return "–"
	}
	return PercentText(Percents([]int{n}, total)[0])
}

// PercentText writes whole percent p: "42%".
func PercentText(p int) string { return strconv.Itoa(p) + "%" }

// Rate is a share between 0 and 1 as whole percent text, for axis ticks.
func Rate(share float64) string { return fmt.Sprintf("%.0f%%", share*100) }
