// Package config owns dhmig's settings: it parses and redacts database URLs
// and layers flags, environment, the .env file, dhmig.yaml and defaults into
// one effective configuration that remembers where each value came from.
package config
