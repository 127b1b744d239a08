package keepnettest

import (
	"fmt"
	"time"
)

// customerNames are invented company names for WithCustomers; beyond the
// list, names repeat with a number.
var customerNames = []string{
	"Brightwater Dental Group", "Copperline Freight", "Duneview Hotels", "Elmstead Legal",
	"Fernhill Schools Trust", "Granite Peak Insurance", "Harbourside Clinics", "Ironbridge Engineering",
	"Juniper Credit Union", "Kestrel Aviation Services", "Lakemont Foods", "Millbrook Housing",
	"Northgate Logistics", "Oakridge Pharmacy", "Pinecrest Architects", "Quayside Media",
}

// Customer IDs, names and survey enrollment IDs of WithCustomers' world:
// customer k (1-based) is CustomerID(k), named CustomerName(k).
func CustomerID(k int) string { return fmt.Sprintf("k3Cust%06d", k) }

// CustomerName is customer k's name (see CustomerID).
func CustomerName(k int) string {
	name := customerNames[(k-1)%len(customerNames)]
	if k > len(customerNames) {
		name = fmt.Sprintf("%s %d", name, (k-1)/len(customerNames)+1)
	}
	return name
}

// CustomerSurveyID is the ID of customer k's "Security Culture Survey", if
// CustomerHasSurvey(k).
func CustomerSurveyID(k int) string { return fmt.Sprintf("e7CustSrv%03d", k%1000) }

// CustomerHasSurvey reports whether customer k has the survey: every
// seventh has not, as a reseller's customers are rarely all enrolled.
func CustomerHasSurvey(k int) bool { return k%7 != 0 }

// CustomerHasFinance reports whether customer k has a "Finance" target
// group: every third has only "All Staff".
func CustomerHasFinance(k int) bool { return k%3 != 0 }

// CustomerDateFormat is the display format of customer k's dates: every
// fourth writes them month first (MM/dd/yyyy), as US offices do; the others
// day first.
func CustomerDateFormat(k int) string {
	if k%4 == 0 {
		return DateFormatMonthFirst
	}
	return DateFormatDayFirst
}

// CustomerSurveyUsers is the size of customer k's survey: 10 to 99 users,
// different from one customer to the next.
func CustomerSurveyUsers(k int) int { return 10 + (k*37)%90 }

// seedCustomers adds n customer companies to w, each with its own people
// and answers in the same survey, the way a reseller's tenants look.
func seedCustomers(w *world, n int) {
	for k := 1; k <= n; k++ {
		w.addCustomer(k, "")
	}
}

// addCustomer adds customer k, named name (CustomerName(k) when empty),
// with its groups and, unless CustomerHasSurvey(k) says otherwise, its
// survey; it counts k as the latest customer.
func (w *world) addCustomer(k int, name string) *Company {
	w.customers = max(w.customers, k)
	if name == "" {
		name = CustomerName(k)
	}
	id := CustomerID(k)
	c := &Company{ID: id, Name: name, Managed: true, Industry: "Services", DateFormat: CustomerDateFormat(k)}
	w.addCompany(c, true)
	all := fmt.Sprintf("g9CustAll%03d", k%1000)
	w.addGroup(&Group{ID: all, CompanyID: id, Name: GroupAllStaffName, UserCount: CustomerSurveyUsers(k)})
	if CustomerHasFinance(k) {
		w.addGroup(&Group{ID: fmt.Sprintf("g9CustFin%03d", k%1000), CompanyID: id, Name: GroupFinanceName, UserCount: 3 + k%9})
	}
	if !CustomerHasSurvey(k) {
		return c
	}
	start := seedTime.Add(time.Duration(k) * 7 * time.Hour)
	w.addEnrollment(&Enrollment{
		ID: CustomerSurveyID(k), CompanyID: id, Name: SurveyName, Type: "Survey",
		Status: StatusFinished, TrainingID: TrainingSurveyID, TrainingName: TrainingSurveyName,
		GroupIDs: []string{all}, Users: CustomerSurveyUsers(k),
		StartDate: start, CreateTime: start.Add(-2 * time.Hour),
	})
	return c
}
