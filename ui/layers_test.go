package ui

import "matomo-audit/ui/prompt"

// thePrompt is the open prompt, nil when none is.
func thePrompt(m *Model) *prompt.Model {
	for _, l := range m.layers {
		if p, ok := l.(*prompt.Model); ok {
			return p
		}
	}
	return nil
}
