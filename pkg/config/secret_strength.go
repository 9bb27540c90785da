package config

import (
	"math"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// A JWT secret is judged by zxcvbn's estimate of the guesses an attacker
// needs (log10), not by its length: "abcdefgh"×4, "Password1"×4, digit runs
// and keyboard walks are long but guessed in seconds. zxcvbn counts a random
// character as 10 guesses, so 32 random characters estimate at about 1e32.
const (
	// MinSecretGuessesLog10 is the error floor, about 66 bits: below it a
	// secret falls to an offline attack on one captured token.
	MinSecretGuessesLog10 = 20
	// GoodSecretGuessesLog10 is the warning floor, about 100 bits.
	GoodSecretGuessesLog10 = 30
)

// secretChunk bounds the text zxcvbn looks at in one go: its matching is
// quadratic in the length, so a long
// secret is judged in 64-character pieces whose estimates add up.
const secretChunk = 64

// secretGuessesLog10 estimates log10 of the guesses needed to find s, over
// at most its first 4×64 characters (more is plenty for any verdict). It is
// 0 for text that is not UTF-8, which zxcvbn does not judge.
func secretGuessesLog10(s string) float64 {
	if !utf8.ValidString(s) {
		return 0
	}
	runes := []rune(s)
	total := 0.0
	for i := 0; i < len(runes) && i < 4*secretChunk; i += secretChunk {
		end := min(i+secretChunk, len(runes))
		g := zxcvbn.PasswordStrength(string(runes[i:end]), nil).Guesses
		if g > 1 {
			total += math.Log10(g)
		}
	}
	return total
}
