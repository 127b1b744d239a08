package specnames

import (
	"fmt"
	"strings"
)

// dotnetType is a parsed Swashbuckle schema key: a .NET type name with its
// generic arguments, stripped of assembly qualifiers (assembly name, Version,
// Culture, PublicKeyToken). Only the parts that identify the type survive, so
// the vendor bumping an assembly version cannot change anything derived from
// it.
type dotnetType struct {
	Namespace []string      // "KeepnetLabs", "Common", "Core", "Models"
	Nesting   []string      // "Outer", "Inner" for Outer+Inner; arity markers removed
	Args      []*dotnetType // generic arguments, in order
}

// canonical renders the type without assembly qualifiers. It is the identity
// used for sorting and tie-breaking, so it must not depend on versions.
func (t *dotnetType) canonical() string {
	var b strings.Builder
	t.writeCanonical(&b)
	return b.String()
}

func (t *dotnetType) writeCanonical(b *strings.Builder) {
	for _, ns := range t.Namespace {
		b.WriteString(ns)
		b.WriteByte('.')
	}
	b.WriteString(strings.Join(t.Nesting, "+"))
	if len(t.Args) == 0 {
		return
	}
	b.WriteByte('[')
	for i, a := range t.Args {
		if i > 0 {
			b.WriteByte(',')
		}
		a.writeCanonical(b)
	}
	b.WriteByte(']')
}

// leafKey identifies the non-generic part (namespace and nesting).
func (t *dotnetType) leafKey() string {
	return strings.Join(t.Namespace, ".") + "." + strings.Join(t.Nesting, "+")
}

// parseDotnetType parses names such as
//
//	KeepnetLabs.Core.ServiceResult`1[[System.Collections.Generic.List`1[[A.B+C, Asm, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null]], System.Private.CoreLib, Version=8.0.0.0, ...]]
//
// No library parses .NET assembly-qualified type names, and the grammar we
// need is small.
func parseDotnetType(s string) (*dotnetType, error) {
	p := &dotnetParser{src: s}
	t, err := p.typeName()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("parse %q: unexpected %q at offset %d", s, p.src[p.pos:], p.pos)
	}
	return t, nil
}

type dotnetParser struct {
	src string
	pos int
}

func (p *dotnetParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *dotnetParser) expect(c byte) error {
	if p.peek() != c {
		return fmt.Errorf("parse %q: want %q at offset %d", p.src, c, p.pos)
	}
	p.pos++
	return nil
}

func isNameByte(c byte) bool {
	return c == '.' || c == '+' || c == '`' || c == '_' ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (p *dotnetParser) typeName() (*dotnetType, error) {
	start := p.pos
	for p.pos < len(p.src) && isNameByte(p.src[p.pos]) {
		p.pos++
	}
	full := p.src[start:p.pos]
	if full == "" {
		return nil, fmt.Errorf("parse %q: empty type name at offset %d", p.src, start)
	}
	t := &dotnetType{}
	dot := strings.LastIndexByte(full, '.')
	if dot >= 0 {
		t.Namespace = strings.Split(full[:dot], ".")
	}
	for _, n := range strings.Split(full[dot+1:], "+") {
		if i := strings.IndexByte(n, '`'); i >= 0 {
			n = n[:i]
		}
		if n == "" {
			return nil, fmt.Errorf("parse %q: empty name segment", p.src)
		}
		t.Nesting = append(t.Nesting, n)
	}
	if p.peek() != '[' {
		return t, nil
	}
	p.pos++
	for {
		if err := p.expect('['); err != nil {
			return nil, err
		}
		arg, err := p.typeName()
		if err != nil {
			return nil, err
		}
		t.Args = append(t.Args, arg)
		p.skipAssemblyQualifier()
		if err := p.expect(']'); err != nil {
			return nil, err
		}
		if p.peek() != ',' {
			break
		}
		p.pos++
	}
	if err := p.expect(']'); err != nil {
		return nil, err
	}
	return t, nil
}

// skipAssemblyQualifier skips ", Assembly, Version=…, Culture=…, PublicKeyToken=…"
// up to the bracket closing the current argument.
func (p *dotnetParser) skipAssemblyQualifier() {
	for p.pos < len(p.src) && p.src[p.pos] != ']' {
		p.pos++
	}
}

// display renders the type as a person reads it in C#: the full name of the
// type and short names of its arguments, e.g.
// KeepnetLabs.Common.Core.Models.DataResponse<PagedResults<TrainingReportUsersSearchView>>.
func (t *dotnetType) display() string {
	var b strings.Builder
	b.WriteString(strings.Join(t.Namespace, "."))
	if len(t.Namespace) > 0 {
		b.WriteByte('.')
	}
	t.writeShort(&b)
	return b.String()
}

func (t *dotnetType) writeShort(b *strings.Builder) {
	b.WriteString(strings.Join(t.Nesting, "."))
	if len(t.Args) == 0 {
		return
	}
	b.WriteByte('<')
	for i, a := range t.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.writeShort(b)
	}
	b.WriteByte('>')
}
