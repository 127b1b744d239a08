package keepnettest

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// A permutation must be a bijection, or unstable paging would invent or
// lose rows on its own, and it must differ between keys.
func TestPermutationIsABijectionThatDependsOnItsKey(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 5, 100, 155, 1000, 4097} {
		for key := range uint64(4) {
			p := newPermutation(n, key)
			seen := make([]bool, n)
			for i := range n {
				j := p.at(i)
				if j < 0 || j >= n || seen[j] {
					t.Fatalf("n=%d key=%d: at(%d) = %d, out of range or seen twice", n, key, i, j)
				}
				seen[j] = true
			}
		}
	}
	a, b := newPermutation(155, 1), newPermutation(155, 2)
	same := 0
	for i := range 155 {
		if a.at(i) == b.at(i) {
			same++
		}
	}
	if same > 20 {
		t.Errorf("two keys agree on %d of 155 positions", same)
	}
}

// Every position of a tie run maps inside the run, and the runs together
// are still a bijection.
func TestTiesShuffleOnlyWithinTheirRun(t *testing.T) {
	p := &pager{cfg: pagingConfig{unstable: true, orderSeed: 3, ties: 20}, requests: map[string]uint64{}}
	const total = 155
	phase := int(mix(3, "ties", "r") % 20)
	for n := range uint64(5) {
		order := p.order("r", "r", n, total)
		seen := make([]bool, total)
		for pos := range total {
			got := order(pos)
			if seen[got] {
				t.Fatalf("request %d: position %d maps to %d, seen twice", n, pos, got)
			}
			seen[got] = true
			if (pos+phase)/20 != (got+phase)/20 {
				t.Fatalf("request %d: position %d left its run for %d", n, pos, got)
			}
		}
	}
}

// userListing must order users exactly as a list does under the same
// removals and insertions: that is what makes a changed listing a listing.
func TestUserListingBehavesLikeAList(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		users := 1 + r.IntN(40)
		model := make([]int, users)
		for i := range model {
			model[i] = i
		}
		var l *userListing = &userListing{}
		e := &Enrollment{Users: users, listing: l}
		for range 1 + r.IntN(12) {
			switch op := r.IntN(3); {
			case op == 0 && len(model) > 0:
				pos := r.IntN(len(model))
				l.remove(pos, true)
				model = slices.Delete(model, pos, pos+1)
			case op == 1:
				e.Users++
				model = append(model, e.Users-1)
				to := r.IntN(len(model))
				l.insert(to, l.remove(len(model)-1, false))
				x := model[len(model)-1]
				model = slices.Insert(model[:len(model)-1], to, x)
			case op == 2 && len(model) > 1:
				from, to := r.IntN(len(model)), r.IntN(len(model))
				l.insert(to, l.remove(from, false))
				x := model[from]
				model = slices.Insert(slices.Delete(model, from, from+1), to, x)
			}
		}
		if e.listed() != len(model) {
			t.Fatalf("round %d: listed %d, want %d", round, e.listed(), len(model))
		}
		for pos, want := range model {
			if got := e.userAt(pos); got != want {
				t.Fatalf("round %d: position %d holds user %d, want %d (model %v)", round, pos, got, want, model)
			}
		}
	}
}
