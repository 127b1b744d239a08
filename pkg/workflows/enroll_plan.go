package workflows

// Creates reports whether Apply would create an enrollment: when the company
// has none with the plan's name, or duplicates are allowed. Otherwise the
// plan is about the one that exists (send it, or leave it alone, as Intent
// says), and CreateBody is what a create would have sent, were there one.
func (p *EnrollmentPlan) Creates() bool { return p.Action == ActionCreate }
