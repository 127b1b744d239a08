package keepnettest

import "math/bits"

// permutation is a bijection on [0, n) chosen by a key, computed one
// element at a time: unstable paging must shuffle listings of 50,000 users
// on every page request, and a shuffled slice per request would cost the
// whole listing's memory each time. It is a balanced Feistel network on the
// smallest even-bit domain that holds n, cycle-walked back into [0, n)
// (the domain is less than 4n, so a walk takes under four steps on average).
type permutation struct {
	n    uint64
	half uint
	mask uint64
	key  uint64
}

func newPermutation(n int, key uint64) permutation {
	p := permutation{n: uint64(max(n, 0)), key: key}
	if n > 1 {
		p.half = uint(bits.Len64(uint64(n-1))+1) / 2
		p.mask = 1<<p.half - 1
	}
	return p
}

// at is the image of i, which must be in [0, n).
func (p permutation) at(i int) int {
	if p.n <= 1 {
		return i
	}
	x := uint64(i)
	for {
		x = p.round(x)
		if x < p.n {
			return int(x)
		}
	}
}

func (p permutation) round(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	for k := uint64(0); k < 4; k++ {
		l, r = r, l^(splitmix(r^p.key^k<<56)&p.mask)
	}
	return l<<p.half | r
}

// splitmix is splitmix64's finaliser: a cheap integer hash whose nearby
// inputs land far apart.
func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
