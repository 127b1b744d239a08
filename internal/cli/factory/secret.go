package factory

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// EnvClientSecretFile names a file holding the client secret, for secrets
// that should not sit in the environment (a mounted secret, a keyring
// helper's output). There is no flag taking the secret itself: a flag value
// shows in ps and in shell history.
const EnvClientSecretFile = "KEEPNET_CLIENT_SECRET_FILE"

// maxSecretFile bounds what is read as a secret, so that a wrong path such
// as /dev/zero fails instead of filling memory.
const maxSecretFile = 64 << 10

// secretFileOption returns the credentials option when the secret is to
// come from a file (--client-secret-file, else KEEPNET_CLIENT_SECRET_FILE),
// and nil when neither is set. The client ID still comes from
// KEEPNET_CLIENT_ID. Problems are *keepnet.ConfigError (exit 2), and never
// quote the file's content.
func secretFileOption(flagPath string, stdin io.Reader) (keepnet.Option, error) {
	path, setting := flagPath, "--client-secret-file"
	if path == "" {
		path, setting = os.Getenv(EnvClientSecretFile), EnvClientSecretFile
	}
	if path == "" {
		return nil, nil
	}
	if setting == EnvClientSecretFile && os.Getenv(keepnet.EnvClientSecret) != "" {
		return nil, &keepnet.ConfigError{Setting: setting, Problem: "both it and " + keepnet.EnvClientSecret + " are set; set one"}
	}
	secret, err := readSecret(path, stdin)
	if err != nil {
		return nil, &keepnet.ConfigError{Setting: setting, Problem: err.Error()}
	}
	return keepnet.WithCredentials(os.Getenv(keepnet.EnvClientID), secret), nil
}

// readSecret reads a secret from path, or from stdin for "-". One
// trailing line break, as editors and echo leave, is not part of it.
func readSecret(path string, stdin io.Reader) (string, error) {
	var r io.Reader
	if path == "-" {
		if stdin == nil {
			return "", errors.New("no standard input to read the secret from")
		}
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("cannot read the secret: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("cannot read the secret from %s: %w", path, err)
	}
	if len(b) > maxSecretFile {
		return "", fmt.Errorf("%s is larger than %d KiB: not a client secret", path, maxSecretFile>>10)
	}
	secret := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if strings.TrimSpace(secret) == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	if strings.ContainsAny(secret, "\r\n") {
		return "", fmt.Errorf("%s holds more than one line; put only the secret in it", path)
	}
	return secret, nil
}
