package report

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/keepnet-flow/keepnet-flow/internal/atomicfile"
)

// Printer prints an HTML file to a PDF file (browser.Printer does).
type Printer interface {
	PrintPDF(ctx context.Context, page, pdf string) error
}

// WriteOptions say how a pack is written.
type WriteOptions struct {
	PageOptions
	// Sort orders the overview.
	Sort SortKey
	// Printer, when set, makes the pack PDF files instead of HTML.
	Printer Printer
	// Concurrency is how many pages are printed at once; zero means 2.
	Concurrency int
	// Written, if set, is told of each file as it is complete.
	Written func(path string)
}

// Write writes the pack into dir, which must exist: each customer's page
// (FileNames) and the overview (OverviewName), as HTML, or printed to PDF.
// Every file appears whole or not at all, replacing one of its name; a
// failure leaves the files already written. It returns the files' paths,
// the overview's first.
func Write(ctx context.Context, p *Pack, dir string, opts WriteOptions) ([]string, error) {
	ext := ".html"
	if opts.Printer != nil {
		ext = ".pdf"
	}
	names := FileNames(p, ext)
	pages := make([]page, 0, len(p.Customers)+1)
	pages = append(pages, page{name: OverviewName + ext, write: func(w io.Writer, o PageOptions) error {
		return WriteOverview(w, p, names, opts.Sort, o)
	}})
	for i, c := range p.Customers {
		pages = append(pages, page{name: names[i], write: func(w io.Writer, o PageOptions) error {
			return WriteCustomer(w, p, c, OverviewName+ext, o)
		}})
	}
	paths := make([]string, len(pages))
	for i, pg := range pages {
		paths[i] = filepath.Join(dir, pg.name)
	}
	if opts.Printer == nil {
		for i, pg := range pages {
			if err := writeFile(paths[i], func(w io.Writer) error { return pg.write(w, opts.PageOptions) }); err != nil {
				return nil, err
			}
			if opts.Written != nil {
				opts.Written(paths[i])
			}
		}
		return paths, nil
	}
	return paths, printAll(ctx, pages, paths, dir, opts)
}

type page struct {
	name  string
	write func(io.Writer, PageOptions) error
}

// writeFile writes path atomically.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		_ = f.Abort() // the write's error is the one to report
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// printAll writes the pages as HTML into a private scratch directory,
// prints them a few at a time, and puts each PDF in place whole. Links
// between the PDFs point at dir, where they will be: a printed page keeps
// only absolute links.
func printAll(ctx context.Context, pages []page, paths []string, dir string, opts WriteOptions) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	scratch, err := os.MkdirTemp("", "keepnet-report-")
	if err != nil {
		return fmt.Errorf("print the pack: %w", err)
	}
	defer os.RemoveAll(scratch) //nolint:errcheck // scratch space; nothing to keep
	po := opts.PageOptions
	po.PDF = true
	po.Base = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs) + "/"}).String()
	g, gctx := errgroup.WithContext(ctx)
	limit := opts.Concurrency
	if limit <= 0 {
		limit = 2
	}
	g.SetLimit(limit)
	var mu sync.Mutex // Written is told of one file at a time
	for i, pg := range pages {
		g.Go(func() error {
			html := filepath.Join(scratch, fmt.Sprintf("page-%d.html", i))
			pdf := filepath.Join(scratch, fmt.Sprintf("page-%d.pdf", i))
			if err := writeFile(html, func(w io.Writer) error { return pg.write(w, po) }); err != nil {
				return err
			}
			if err := opts.Printer.PrintPDF(gctx, html, pdf); err != nil {
				return err
			}
			if err := copyInto(paths[i], pdf); err != nil {
				return err
			}
			if opts.Written != nil {
				mu.Lock()
				opts.Written(paths[i])
				mu.Unlock()
			}
			return nil
		})
	}
	return g.Wait()
}

// copyInto puts the file from in place at path, atomically.
func copyInto(path, from string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close() //nolint:errcheck // read-only
	return writeFile(path, func(w io.Writer) error {
		if _, err := io.Copy(w, src); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	})
}
