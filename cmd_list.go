package main

import (
	"context"
	"fmt"
	"io"

	"matomo-audit/data/export"
	"matomo-audit/data/source"
)

// listSize is how many events the plain listing prints.
const listSize = 40

// runList prints the newest matching events as text lines, oldest first
// like a log.
func runList(ctx context.Context, g *globals, stdout io.Writer) error {
	src, err := g.open(ctx, false)
	if err != nil {
		return err
	}
	defer src.Close()
	page, err := source.Newest(ctx, src, g.filter(), listSize)
	if err != nil {
		return err
	}
	var buf []byte
	for i := range page.Events {
		buf = export.AppendText(buf[:0], &page.Events[i], g.loc)
		buf = append(buf, '\n')
		if _, err := stdout.Write(buf); err != nil {
			return err
		}
	}
	if len(page.Events) == 0 {
		fmt.Fprintln(stdout, "no matching events in", src.Label())
	}
	return nil
}
