package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Company is a customer company.
type Company struct {
	ID, Name string
	// DateFormat is the company's date-format setting as the service
	// sent it ("dd/MM/yyyy"); empty when it could not be read, which
	// keeps the one stored before.
	DateFormat string
}

// upsertCompany writes co as listed in this sync.
func upsertCompany(ctx context.Context, q querier, y *Sync, co Company) error {
	if co.ID == "" {
		return errors.New("a company without an ID cannot be stored")
	}
	_, err := q.ExecContext(ctx, `INSERT INTO companies (id, name, date_format, first_sync, listed_in_sync, gone_in_sync)
VALUES ($1, $2, $3, $4, $4, NULL)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, date_format = COALESCE(excluded.date_format, companies.date_format),
  listed_in_sync = excluded.listed_in_sync, gone_in_sync = NULL`,
		clean(co.ID), clean(co.Name), nullText(co.DateFormat), y.id)
	return err
}

// DateFormats are the date-format settings stored for the companies,
// by company ID: each as last read, for a company whose setting was ever
// read.
func (y *Sync) DateFormats(ctx context.Context) (map[string]string, error) {
	rows, err := y.st.db.QueryContext(ctx, "SELECT id, date_format FROM companies WHERE date_format IS NOT NULL")
	if err != nil {
		return nil, y.st.wrap("read the companies' date formats", err)
	}
	defer func() { _ = rows.Close() }() // read-only; Err below reports what failed
	out := map[string]string{}
	for rows.Next() {
		var id, format string
		if err := rows.Scan(&id, &format); err != nil {
			return nil, y.st.wrap("read the companies' date formats", err)
		}
		out[id] = format
	}
	if err := rows.Err(); err != nil {
		return nil, y.st.wrap("read the companies' date formats", err)
	}
	return out, nil
}

// Companies records the companies the sync covers. With whole set, cos
// is the service's whole company listing, so a stored company missing
// from it is marked gone in this sync; a sync of some companies passes
// whole false.
func (y *Sync) Companies(ctx context.Context, cos []Company, whole bool) error {
	return y.do(ctx, "write the companies", func(q querier) error {
		for _, co := range cos {
			if err := upsertCompany(ctx, q, y, co); err != nil {
				return err
			}
		}
		if !whole {
			return nil
		}
		_, err := q.ExecContext(ctx, "UPDATE companies SET gone_in_sync = $1 WHERE listed_in_sync <> $1 AND gone_in_sync IS NULL", y.id)
		return err
	})
}

// ListedEnrollments records a company's whole listing of enrollments of a
// kind: a stored one missing from ids is marked gone in this sync (its
// users stay as they were), and one listed again is no longer gone. Call
// it only with a listing read whole.
func (y *Sync) ListedEnrollments(ctx context.Context, companyID string, kind Kind, ids []string) error {
	keys := make([][]any, len(ids))
	for i, id := range ids {
		keys[i] = []any{clean(id)}
	}
	return y.do(ctx, "record the enrollments listed", func(q querier) error {
		return markListed(ctx, q, y.id, "enrollments", []string{"company_id", "kind"}, []any{clean(companyID), string(kind)}, []string{"id"}, keys)
	})
}

// JobKey names a job: its channel ("phishing", "smishing", "quishing"),
// its campaign and its instance group.
type JobKey struct {
	Channel       string
	CampaignID    string
	InstanceGroup int
}

// ListedJobs records a company's whole listing of a channel's jobs: a
// stored job missing from it is marked gone in this sync, and so is a
// campaign none of whose jobs is listed. Call it only with a listing
// read whole.
func (y *Sync) ListedJobs(ctx context.Context, companyID, channel string, jobs []JobKey) error {
	keys := make([][]any, 0, len(jobs))
	campaigns := make([][]any, 0, len(jobs))
	for _, j := range jobs {
		if j.Channel != channel {
			return fmt.Errorf("store: a %s job in the listing of %s jobs", j.Channel, channel)
		}
		keys = append(keys, []any{clean(j.CampaignID), int64(j.InstanceGroup)})
		campaigns = append(campaigns, []any{clean(j.CampaignID)})
	}
	return y.do(ctx, "record the jobs listed", func(q querier) error {
		scope, scopeArgs := []string{"company_id", "channel"}, []any{clean(companyID), clean(channel)}
		if err := markListed(ctx, q, y.id, "phishing_jobs", scope, scopeArgs, []string{"campaign_id", "instance_group"}, keys); err != nil {
			return err
		}
		return markListed(ctx, q, y.id, "phishing_campaigns", scope, scopeArgs, []string{"id"}, campaigns)
	})
}

// markListed marks gone the rows of table within scope whose key is not
// among keys, and marks those that are as listed in this sync (and no
// longer gone).
func markListed(ctx context.Context, q querier, sync int64, table string, scope []string, scopeArgs []any, keyCols []string, keys [][]any) error {
	listed := make(map[string]bool, len(keys))
	for _, k := range keys {
		listed[keyString(k)] = true
	}
	rows, err := q.QueryContext(ctx, "SELECT "+strings.Join(keyCols, ", ")+", gone_in_sync IS NOT NULL, listed_in_sync FROM "+table+" WHERE "+where(scope, 1), scopeArgs...)
	if err != nil {
		return err
	}
	var gone, back [][]any
	for rows.Next() {
		key := make([]any, len(keyCols))
		var isGone bool
		var listedIn int64
		dest := make([]any, 0, len(keyCols)+2)
		for i := range key {
			dest = append(dest, &key[i])
		}
		if err := rows.Scan(append(dest, &isGone, &listedIn)...); err != nil {
			return errors.Join(err, rows.Close())
		}
		for i, v := range key {
			if b, ok := v.([]byte); ok {
				key[i] = string(b)
			}
		}
		switch in := listed[keyString(key)]; {
		case !in && !isGone:
			gone = append(gone, key)
		case in && (isGone || listedIn != sync):
			back = append(back, key)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	match := where(scope, 2) + " AND " + where(keyCols, 2+len(scope))
	for _, key := range gone {
		if _, err := q.ExecContext(ctx, "UPDATE "+table+" SET gone_in_sync = $1 WHERE "+match, append(append([]any{sync}, scopeArgs...), key...)...); err != nil {
			return err
		}
	}
	for _, key := range back {
		if _, err := q.ExecContext(ctx, "UPDATE "+table+" SET gone_in_sync = NULL, listed_in_sync = $1 WHERE "+match, append(append([]any{sync}, scopeArgs...), key...)...); err != nil {
			return err
		}
	}
	return nil
}

// keyString is a key's parts as one string, "\x00" apart.
func keyString(parts []any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(0)
		}
		fmt.Fprint(&b, p)
	}
	return b.String()
}
