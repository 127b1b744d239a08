package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// maxSpecBytes bounds what is read from a file or URL. The vendor's spec is
// about 3 MB; anything far bigger is not a spec we can use.
const maxSpecBytes = 64 << 20

// downloadTimeout bounds a candidate download, so an unresponsive server
// cannot hang `make spec-diff`.
const downloadTimeout = 2 * time.Minute

// isURL reports whether a -candidate (or -base) names an http(s) URL rather
// than a file.
func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// readSource returns the bytes of a spec given as a file path or an http(s)
// URL, checked to be JSON: the vendor's live swagger.json is at times an
// HTML error page or truncated, and `make spec` only installs JSON.
func readSource(ctx context.Context, hc *http.Client, src string) ([]byte, error) {
	var (
		data []byte
		err  error
	)
	if isURL(src) {
		data, err = download(ctx, hc, src)
	} else {
		data, err = readFile(src)
	}
	if err != nil {
		return nil, err
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("%s is not a JSON document (starts with %q)", src, head(data))
	}
	return data, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", path)
		}
		return nil, fmt.Errorf("open spec: %w", err)
	}
	defer f.Close()
	return readCapped(f, path)
}

// download fetches a spec into memory; nothing is written to disk, so there
// is no temporary file to clean up.
func download(ctx context.Context, hc *http.Client, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("candidate URL %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", url, resp.Status)
	}
	return readCapped(resp.Body, url)
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxSpecBytes {
		return nil, fmt.Errorf("%s is larger than %d MiB, not a spec", name, maxSpecBytes>>20)
	}
	return data, nil
}

// head is the start of a document, for telling an HTML page or an empty
// file from a spec in an error message.
func head(data []byte) string {
	const n = 40
	r := []rune(strings.TrimSpace(string(data[:min(len(data), 4*n)])))
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return string(r)
}
