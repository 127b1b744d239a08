package workflows

import (
	"context"
	"fmt"
	"github.com/keepnet-flow/keepnet-flow/internal/reqctx"
	"github.com/keepnet-flow/keepnet-flow/internal/wire"
	"net/http"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// CompanyDates is how a company writes its dates: the service renders
// report dates in the company's display format ("22/01/2026 13:30:09" or
// "01/22/2026 13:30:09"), so whether "05/02/2026" is the 5th of February
// or the 2nd of May depends on the company's setting.
type CompanyDates struct {
	// Format is the company's date-format setting as the service sent it
	// (GET /api/companies/{id}, dateFormat), e.g. "dd/MM/yyyy"; empty when
	// it could not be read.
	Format string `json:"format,omitempty"`
	// Order is the day/month order Format gives, keepnetdate.Unknown when
	// it gives none (or could not be read): outputs then learn the order
	// from the dates themselves.
	Order keepnetdate.Order `json:"-"`
	// Problem says why Format could not be read; empty when it was.
	Problem string `json:"problem,omitempty"`
}

// companySettings is GET /api/companies/{id} as the pull reads it.
type companySettings struct {
	Data *struct {
		DateFormat string `json:"dateFormat"`
	} `json:"data"`
}

// ReadCompanyDates reads how the scoped company writes its dates, from its
// date-format setting, to read the dates its listings carry (an
// enrollment's StartDate, say). It never fails a flow: the setting is an
// aid to reading dates, which are kept as the server sent them whatever it
// says, so a failure is recorded in Problem instead, with Order Unknown.
func ReadCompanyDates(ctx context.Context, scope *keepnet.ScopedClient) CompanyDates {
	body, report, err := wire.Fetch(ctx, func(ctx context.Context) (*http.Response, error) {
		return scope.API().GetCompaniesResourceId(ctx, scope.ID())
	}, func(b *companySettings, _ *keepnet.DecodeReport) error {
		if b.Data == nil {
			return reqctx.Hollow("the company's settings have no data")
		}
		return nil
	})
	switch {
	case err != nil:
		return CompanyDates{Problem: fmt.Sprintf("the company's settings could not be read: %v", err)}
	case !report.OK():
		return CompanyDates{Problem: wire.ProblemText(report.Problems)}
	}
	dates := CompanyDates{Format: body.Data.DateFormat, Order: keepnetdate.OrderOfFormat(body.Data.DateFormat)}
	if dates.Format == "" {
		dates.Problem = "the company's settings name no dateFormat"
	}
	return dates
}
