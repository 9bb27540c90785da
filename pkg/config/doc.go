// Package config owns dhmig's settings: it layers flags, environment, the .env file, dhmig.yaml and defaults into
// one effective configuration that remembers where each value came from, handing database URLs to
// database.ParseURL. It
// also judges and generates the application's own settings of the guide's
// Step 3 (JWT, SMTP, security): CheckApp for `config check`, AppEnv,
// RenderEnv and WriteEnvFile for `config init`.
package config
