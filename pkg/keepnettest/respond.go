package keepnettest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// envelope is the service's DataResponse/ServiceResult shape. Null fields are
// left out, as the service does.
type envelope struct {
	Data               any      `json:"data,omitempty"`
	Status             string   `json:"status,omitempty"`
	Message            string   `json:"message,omitempty"`
	ValidationMessages []string `json:"validationMessages,omitempty"`
}

// capitalEnvelope is an error body with "Message" capitalised: some of the
// service's error paths serialise with Pascal-case keys.
type capitalEnvelope struct {
	Status             string   `json:"status,omitempty"`
	Message            string   `json:"Message,omitempty"`
	ValidationMessages []string `json:"validationMessages,omitempty"`
}

const jsonContentType = "application/json; charset=utf-8"

// writeJSON is where every JSON response leaves the fake. The writer serve
// hands the endpoints carries the server's response shape (type drift,
// hollow bodies) when one applies, so the endpoints keep their plain
// signatures.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b := mustMarshal(v)
	if rec, ok := w.(*statusRecorder); ok && rec.shape != nil {
		rec.shape.writeJSON(rec, status, b)
		return
	}
	sendJSON(w, status, jsonContentType, b)
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Every value written is built by this package from plain types.
		panic(fmt.Sprintf("keepnettest: encoding response: %v", err))
	}
	return b
}

func sendJSON(w http.ResponseWriter, status int, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client hanging up is not the fake's problem
}

func writeData(w http.ResponseWriter, status int, data any) {
	writeJSON(w, status, envelope{Data: data, Status: "SUCCESS"})
}

func writeError(w http.ResponseWriter, status int, code, message string, validation []string) {
	writeJSON(w, status, envelope{Status: code, Message: message, ValidationMessages: validation})
}

func writeCapitalError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, capitalEnvelope{Status: code, Message: message})
}

// writeHTML answers with an edge-style HTML error page, as the service's
// front end does for 5xx.
func writeHTML(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	text := http.StatusText(status)
	_, _ = fmt.Fprintf(w, "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>\n<body><h1>%d %s</h1><p>The server encountered an error and could not complete your request.</p></body></html>\n",
		status, text, status, text)
}

// pageData is the data of every search response.
type pageData struct {
	PageNumber           int `json:"pageNumber"`
	PageSize             int `json:"pageSize"`
	TotalNumberOfPages   int `json:"totalNumberOfPages"`
	TotalNumberOfRecords int `json:"totalNumberOfRecords"`
	Results              any `json:"results"`
}

// The .NET layout of dates the live service sends besides the companies'
// display formats (see display), without a zone.
const layoutDotNet = "2006-01-02T15:04:05.0000000"

// display renders t in a company's display format (see Company.DateFormat),
// with seconds or without: the live service mixes both.
func display(dateFormat string, t time.Time, seconds bool) string {
	layout := "02/01/2006"
	if dateFormat == DateFormatMonthFirst {
		layout = "01/02/2006"
	}
	if seconds {
		return t.Format(layout + " 15:04:05")
	}
	return t.Format(layout + " 15:04")
}

// dotNet renders t as .NET does a DateTime of unspecified kind: seven
// fractional digits, no zone. A fixed fraction keeps the output stable.
func dotNet(t time.Time) string {
	if t.Nanosecond() == 0 {
		t = t.Add(123456700 * time.Nanosecond)
	}
	return t.Format(layoutDotNet)
}
