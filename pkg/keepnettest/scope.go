package keepnettest

import "net/http"

// The two company headers. The vendor's UI sends the second; the how-to
// pages insist on both. The spec declares neither.
const (
	headerCompanyID   = "X-KEEPNET-Company-Id"
	headerIRCompanyID = "x-ir-company-id"
)

// scope resolves the company a call acts for; "" means unscoped, where a
// reseller sees all of its customers at once. It writes the error response
// and returns ok false when the headers are unusable:
//   - a company the reseller does not manage (or that does not exist): 403
//     PRIVACY_ERROR, with a capitalised "Message" key;
//   - the two headers naming different companies: 400;
//   - bothRequired and only one header sent: 404, as the enrollment how-to
//     warns.
func (s *Server) scope(w http.ResponseWriter, r *http.Request, bothRequired bool) (string, bool) {
	a, b := r.Header.Get(headerCompanyID), r.Header.Get(headerIRCompanyID)
	switch {
	case a == "" && b == "":
		return "", true
	case a != "" && b != "" && a != b:
		writeError(w, http.StatusBadRequest, "INPUT_ERROR", "Company headers do not match.", nil)
		return "", false
	case bothRequired && (a == "" || b == ""):
		w.WriteHeader(http.StatusNotFound)
		return "", false
	}
	id := a
	if id == "" {
		id = b
	}
	s.mu.Lock()
	c := s.world.company(id)
	allowed := c != nil && (c.Managed || c.ID == ResellerCompanyID)
	s.mu.Unlock()
	if !allowed {
		writeCapitalError(w, http.StatusForbidden, "PRIVACY_ERROR", "You do not have permission to access this company's data.")
		return "", false
	}
	return id, true
}
