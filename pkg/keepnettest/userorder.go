package keepnettest

import "slices"

// userListing is the order users/search lists an enrollment's users in
// once a ListingChange has touched it; until then (a nil *userListing) it
// is index order. Users stay generated on demand, so the order is kept as
// its differences from index order: users no longer listed, and users
// placed at a position of their own. Every other position takes, in index
// order, the users neither removed nor placed. A removal or a placement
// shifts the placed users after it, as removing from or inserting into a
// list does.
type userListing struct {
	removed []int       // indexes no longer listed, sorted
	placed  []placement // sorted by pos
	taken   []int       // removed and placed indexes, sorted
}

type placement struct{ pos, index int }

func (l *userListing) clone() *userListing {
	if l == nil {
		return nil
	}
	return &userListing{removed: slices.Clone(l.removed), placed: slices.Clone(l.placed), taken: slices.Clone(l.taken)}
}

// at is the index of the user at position pos.
func (l *userListing) at(pos int) int {
	if l == nil {
		return pos
	}
	i, found := slices.BinarySearchFunc(l.placed, pos, func(p placement, pos int) int { return p.pos - pos })
	if found {
		return l.placed[i].index
	}
	// The (pos-i)th index not taken: i placed users sit before pos.
	index := pos - i
	for _, t := range l.taken {
		if t > index {
			break
		}
		index++
	}
	return index
}

// remove takes the user at pos out of the order and returns its index;
// gone says whether the user leaves the listing for good.
func (l *userListing) remove(pos int, gone bool) int {
	index := l.at(pos)
	l.placed = slices.DeleteFunc(l.placed, func(p placement) bool { return p.pos == pos })
	for i := range l.placed {
		if l.placed[i].pos > pos {
			l.placed[i].pos--
		}
	}
	if gone {
		l.removed = insertSorted(l.removed, index)
	}
	l.retake()
	return index
}

// insert places the user with this index at pos.
func (l *userListing) insert(pos, index int) {
	for i := range l.placed {
		if l.placed[i].pos >= pos {
			l.placed[i].pos++
		}
	}
	l.placed = append(l.placed, placement{pos: pos, index: index})
	slices.SortFunc(l.placed, func(a, b placement) int { return a.pos - b.pos })
	l.retake()
}

func (l *userListing) retake() {
	l.taken = slices.Clone(l.removed)
	for _, p := range l.placed {
		l.taken = insertSorted(l.taken, p.index)
	}
}

func (l *userListing) isRemoved(index int) bool {
	if l == nil {
		return false
	}
	_, found := slices.BinarySearch(l.removed, index)
	return found
}

func insertSorted(s []int, v int) []int {
	i, found := slices.BinarySearch(s, v)
	if found {
		return s
	}
	return slices.Insert(s, i, v)
}

// listed is how many users users/search lists.
func (e *Enrollment) listed() int {
	if e.listing == nil {
		return e.Users
	}
	return e.Users - len(e.listing.removed)
}

// userAt is the index of the user users/search lists at position pos.
func (e *Enrollment) userAt(pos int) int { return e.listing.at(pos) }

// order is the enrollment's user order, made on first use.
func (e *Enrollment) order() *userListing {
	if e.listing == nil {
		e.listing = &userListing{}
	}
	return e.listing
}

// inventedUserBase is where users invented beyond a listing's end
// (WithEndlessPages) start: far past any real index, so they collide with
// none, and reading one by ID answers 404.
const inventedUserBase = 900000
