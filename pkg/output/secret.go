package output

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// ErrNoTerminal means a secret was asked for with no terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to ask on")

// ReadSecret asks for a secret on the terminal without echoing it. Tests,
// whose In is no terminal file, answer with a line on In.
func (s *IOStreams) ReadSecret(prompt string) ([]byte, error) {
	if !s.CanPrompt() {
		return nil, ErrNoTerminal
	}
	fmt.Fprint(s.ErrOut, prompt)
	defer fmt.Fprintln(s.ErrOut)
	if f, ok := s.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return term.ReadPassword(int(f.Fd()))
	}
	line, err := bufio.NewReader(s.In).ReadString('\n')
	if err != nil && line == "" {
		return nil, err
	}
	return []byte(strings.TrimRight(line, "\r\n")), nil
}
