package keepnettest

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// Users, their sessions and answers are never stored: each is a pure
// function of (world seed, enrollment ID, user index). A survey of 50,000
// users therefore costs nothing until a page of it is asked for, and the same
// seed always gives the same answers.

// mix hashes its parts into a 64-bit value (FNV-1a, then a splitmix64
// finaliser so nearby inputs land far apart).
func mix(seed uint64, parts ...string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(seed >> (8 * i))
	}
	h.Write(b[:])
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	z := h.Sum64()
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// userIDPrefix is 6 characters derived from the enrollment, so user IDs of
// different enrollments differ and look opaque.
func userIDPrefix(seed uint64, enrollmentID string) string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	h := mix(seed, "user-prefix", enrollmentID)
	var b strings.Builder
	b.WriteByte('u')
	for range 5 {
		b.WriteByte(alphabet[h%uint64(len(alphabet))])
		h /= uint64(len(alphabet))
	}
	return b.String()
}

// userID encodes the index after the prefix, so a lookup needs no table.
func userID(seed uint64, enrollmentID string, index int) string {
	return fmt.Sprintf("%s%06d", userIDPrefix(seed, enrollmentID), index)
}

// userIndex is the inverse of userID; ok is false for IDs of other
// enrollments or beyond the user count.
func userIndex(seed uint64, e *Enrollment, id string) (int, bool) {
	prefix := userIDPrefix(seed, e.ID)
	rest, found := strings.CutPrefix(id, prefix)
	if !found || len(rest) != 6 {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i >= e.Users {
		return 0, false
	}
	return i, true
}

// Invented names. A few carry accents, apostrophes and non-Latin scripts on
// purpose: exports must keep them intact.
var (
	firstNames = []string{"Alba", "Bram", "Cleo", "Dario", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonah",
		"Kaia", "Lior", "Mira", "Nils", "Oona", "Pavel", "Quinn", "Rosa", "Sami", "Tuva", "Ugo", "Vera",
		"Wim", "Xenia", "Yusuf", "Zora", "Åsa", "Björn", "Çağla", "Dóra", "Émile", "Søren"}
	lastNames = []string{"Amberlane", "Brightwater", "Copperfield", "Dunmore", "Eastwick", "Fernhill",
		"Glenrock", "Hollowell", "Ironside", "Juniper", "Kestrel", "Larkspur", "Mossgrove", "Northcote",
		"Oakhurst", "Pinecrest", "Quarry", "Ravensworth", "Stonebridge", "Thornbury", "Underhill",
		"Vale", "Westbrook", "Yarrow", "Zephyrine", "O'Marlow", "Øverlund", "Müller-Fenwick"}
	departments = []string{"Finance", "Finance EMEA", "Sales, EMEA", "Engineering", "People & Culture",
		"Legal", "Operations, Plant 2", "IT", "Customer Support", ""}
)

// specialUsers pin the first indexes to the cases that break naive code.
var specialUsers = []struct {
	first, last, email, dept, phone string
}{
	{"Zoë", "Ångström-Ñúñez", "zoe.angstrom-nunez@acme.example", "Sales, EMEA", "+44 20 7946 0000"},
	{"Dmitri \"Dima\"", "Okonkwo, Jr.", "dima.okonkwo@acme.example", "Finance, \"Treasury\"", ""},
	{"晴", "雲野", "haru.kumono@acme.example", "", "+81 3-0000-0000"},
	{"Renée", "D'Arbrelune", "renee.darbrelune@acme.example", "People & Culture", ""},
}

// user builds user i of enrollment e.
func (w *world) user(e *Enrollment, i int) User {
	h := mix(w.seed, "user", e.ID, strconv.Itoa(i))
	u := User{ID: w.userIDOf(e, i), Index: i}
	if i < len(specialUsers) {
		s := specialUsers[i]
		u.FirstName, u.LastName, u.Email, u.Department, u.Phone = s.first, s.last, s.email, s.dept, s.phone
		// Every company has its own people, however alike their names: a
		// pull across companies must not see one user twice.
		u.Email = strings.Replace(u.Email, "@acme.", "@"+emailDomain(e.CompanyID)+".", 1)
	} else {
		u.FirstName = firstNames[h%uint64(len(firstNames))]
		u.LastName = lastNames[(h>>8)%uint64(len(lastNames))]
		u.Department = departments[(h>>16)%uint64(len(departments))]
		if (h>>24)%3 != 0 {
			u.Phone = fmt.Sprintf("+1 555 01%02d %04d", (h>>28)%100, i%10000)
		}
		local := strings.ToLower(asciiFold(u.FirstName) + "." + asciiFold(u.LastName))
		u.Email = fmt.Sprintf("%s.%d@%s.example", local, i, emailDomain(e.CompanyID))
	}
	u.Status = userStatus(h, i)
	if e.Created {
		// Nobody has interacted with an enrollment created in this run yet.
		u.Status = UserNotResponded
	}
	if u.Status != UserNotResponded {
		u.LastInteraction = e.StartDate.Add(time.Duration(1+h%(14*24*60)) * time.Minute)
	}
	e.progress(&u)
	if w.poisoned {
		poison(&u, e)
	}
	return u
}

// userStatus spreads users over the four statuses, with the special users
// fixed: 0, 1 and 3 completed, 2 never responded.
func userStatus(h uint64, i int) string {
	switch i {
	case 0, 1, 3:
		return UserCompleted
	case 2:
		return UserNotResponded
	}
	switch r := (h >> 40) % 100; {
	case r < 60:
		return UserCompleted
	case r < 70:
		return UserInProgress
	case r < 85:
		return UserOpenedEmail
	default:
		return UserNotResponded
	}
}

func emailDomain(companyID string) string {
	switch companyID {
	case CompanyAcmeID:
		return "acme"
	case CompanyAcmeEuropeID:
		return "acme-eu"
	case CompanyGlobexID:
		return "globex"
	}
	// Companies added to the world: one domain each.
	return "customer-" + strings.ToLower(companyID)
}

// mailboxFold turns the invented names into plausible mailbox parts.
var mailboxFold = strings.NewReplacer("Å", "A", "å", "a", "Ø", "O", "ø", "o", "ö", "o", "ü", "u", "ç", "c", "Ç", "C",
	"ğ", "g", "ó", "o", "É", "E", "é", "e", "'", "", " ", "", "-", "", "\"", "")

func asciiFold(s string) string { return mailboxFold.Replace(s) }
