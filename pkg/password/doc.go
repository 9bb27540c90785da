// Package password owns password hashes: detecting the scheme of a legacy
// hash, accepting only well-formed bcrypt, and making temporary passwords
// (bcrypt on every core, or sealed hashes no password matches).
package password
