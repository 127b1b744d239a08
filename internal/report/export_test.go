package report

import "github.com/keepnet-flow/keepnet-flow/pkg/workflows"

// Records are what the collector holds, for tests that save them.
func (c *Collector) Records() ([]workflows.TrainingRecord, []workflows.PhishingRecord, []workflows.SurveyRecord) {
	return c.training, c.phishing, c.surveys
}
