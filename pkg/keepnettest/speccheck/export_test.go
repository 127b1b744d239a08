package speccheck

// LoadAll loads every path's operations, as requests for each would, and
// returns how many operations there are.
func (s *Spec) LoadAll() (int, error) {
	n := 0
	for _, p := range s.all {
		doc, err := s.load(p)
		if err != nil {
			return n, err
		}
		n += len(doc.Paths.Value(p.name).Operations())
	}
	return n, nil
}
