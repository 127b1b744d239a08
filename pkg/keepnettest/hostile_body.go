package keepnettest

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
)

// Huge bodies are streamed from one run of filler bytes, so a body of
// 1 GiB costs the fake a megabyte, not a gigabyte.

const (
	hugePrefix = `{"status":"SUCCESS","data":"`
	hugeSuffix = `"}`
	fillerSize = 1 << 20
)

// hugeLength is the length of the body writeHugeJSON writes for size.
func hugeLength(size int64) int64 {
	return max(size, int64(len(hugePrefix)+len(hugeSuffix)))
}

// fillerRun is fillerSize bytes of filler: a string member's worth of
// "A"s, which every JSON decoder accepts and no client reads.
func fillerRun() []byte { return bytes.Repeat([]byte("A"), fillerSize) }

// writeHugeJSON writes {"status":"SUCCESS","data":"AAAA…"} of
// hugeLength(size) bytes, the filler taken from run.
func writeHugeJSON(w io.Writer, run []byte, size int64) error {
	if _, err := io.WriteString(w, hugePrefix); err != nil {
		return err
	}
	if err := writeFiller(w, run, hugeLength(size)-int64(len(hugePrefix)+len(hugeSuffix))); err != nil {
		return err
	}
	_, err := io.WriteString(w, hugeSuffix)
	return err
}

// writeFiller writes n bytes of run, repeated.
func writeFiller(w io.Writer, run []byte, n int64) error {
	for n > 0 {
		b := run[:min(n, int64(len(run)))]
		if _, err := w.Write(b); err != nil {
			return err
		}
		n -= int64(len(b))
	}
	return nil
}

// bombParts are the precomputed pieces of a gzip bomb: fillerSize bytes of
// filler compressed once (about a thousandth of its size), which the bomb
// repeats. Deflate output that ends in a sync flush is byte-aligned and
// refers only to its own bytes, so repeated copies of it inflate to
// repeated filler: compressing gigabytes on each request would cost
// seconds of CPU, and Go's compressor cannot be made to repeat itself.
type bombParts struct {
	run, compressedRun []byte
}

func newBombParts() *bombParts {
	run := fillerRun()
	return &bombParts{run: run, compressedRun: deflateFlushed(run, false)}
}

// deflateFlushed compresses b on its own: a sync-flushed run of blocks,
// or the stream's last block if final.
func deflateFlushed(b []byte, final bool) []byte {
	var out bytes.Buffer
	fw, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		panic("keepnettest: " + err.Error()) // only for a bad level
	}
	_, _ = fw.Write(b) // a bytes.Buffer does not fail
	if final {
		_ = fw.Close()
	} else {
		_ = fw.Flush()
	}
	return out.Bytes()
}

// writeGzipBomb writes the gzip compression of writeHugeJSON(size)'s body.
func writeGzipBomb(w io.Writer, parts *bombParts, size int64) error {
	// A gzip member's header: magic, deflate, no flags, no time, no extra
	// flags, unknown OS.
	header := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	crc := crc32.NewIEEE()
	total := hugeLength(size)
	filler := total - int64(len(hugePrefix)+len(hugeSuffix))

	pieces := [][]byte{header, deflateFlushed([]byte(hugePrefix), false)}
	_, _ = crc.Write([]byte(hugePrefix))
	for _, p := range pieces {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	for ; filler >= fillerSize; filler -= fillerSize {
		if _, err := w.Write(parts.compressedRun); err != nil {
			return err
		}
		_, _ = crc.Write(parts.run)
	}
	rest := parts.run[:filler]
	_, _ = crc.Write(rest)
	_, _ = crc.Write([]byte(hugeSuffix))
	trailer := binary.LittleEndian.AppendUint32(nil, crc.Sum32())
	trailer = binary.LittleEndian.AppendUint32(trailer, uint32(total)) // ISIZE is the size mod 2^32
	for _, p := range [][]byte{deflateFlushed(rest, false), deflateFlushed([]byte(hugeSuffix), true), trailer} {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// writeBigAnswer writes the exam-result-sessions answer of rows padded to
// size with an "x-padding" member, streamed from run.
func writeBigAnswer(w http.ResponseWriter, run []byte, rows any, size int64) {
	b := mustMarshal(envelope{Data: rows, Status: "SUCCESS"})
	const open, closing = `,"x-padding":"`, `"}`
	b = b[:len(b)-1] // the envelope's closing brace
	pad := max(size-int64(len(b)+len(open)+len(closing)), 0)
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(int64(len(b)+len(open)+len(closing))+pad, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(b); err != nil {
		return // the client hung up
	}
	if _, err := io.WriteString(w, open); err != nil {
		return
	}
	if writeFiller(w, run, pad) != nil {
		return
	}
	_, _ = io.WriteString(w, closing)
}
