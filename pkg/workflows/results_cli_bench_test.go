package workflows_test

import (
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// BenchmarkResultsCLIPeakRSS builds the CLI and measures its peak RSS
// pulling 20,000 users of one training enrollment and of one phishing job,
// each against the survey pull's at 20,000 users in the same run and
// format (issue 22: within 1.2× of it). The fake serves each in this
// process, without latency, as BenchmarkSurveyCLIPeakRSS does.
func BenchmarkResultsCLIPeakRSS(b *testing.B) {
	bin := buildCLI(b)
	pulls := []struct {
		name string
		opt  keepnettest.Option
		args []string
	}{
		{"training", keepnettest.WithTrainingUsers(rssUsers),
			[]string{"training-results", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.TrainingEnrollmentName}},
		// The window holds the campaign's first run only (its second
		// started later, the test campaign's run is left out).
		{"phishing", keepnettest.WithJobUsers(rssUsers),
			[]string{"phishing-results", "--company", keepnettest.CompanyAcmeName, "--since", "2025-11-01", "--until", "2025-12-10"}},
	}
	for range b.N {
		for _, format := range []string{"ndjson", "csv"} {
			survey := runCLI(b, bin, rssUsers, format)
			b.ReportMetric(survey.rssMiB, "MiB-rss-survey-"+format)
			for _, p := range pulls {
				srv := keepnettest.NewServer(p.opt, keepnettest.WithoutRequestLog())
				r := runCLIPull(b, bin, pullTarget{url: srv.URL, clientID: srv.ClientID, clientSecret: srv.ClientSecret}, p.name+" "+format, format, p.args...)
				srv.Close()
				if r.lines < rssUsers {
					b.Fatalf("%s %s: %d lines written, want %d users", p.name, format, r.lines, rssUsers)
				}
				b.ReportMetric(r.rssMiB, "MiB-rss-"+p.name+"-"+format)
				b.ReportMetric(r.rssMiB/survey.rssMiB, "rss-"+p.name+"/survey-"+format)
			}
		}
	}
}
