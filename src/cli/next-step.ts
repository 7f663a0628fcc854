// What to do next: the CLI adds the obvious next step to an error's message (code, status and details unchanged).
import { type NotaryError, notaryError, passphraseEnvNames } from '../index.js';

/** The next step for `err` on this command line, or undefined when there is no obvious one. */
export function nextStep(err: NotaryError): string | undefined {
  const registry = typeof err.details['registry'] === 'string' ? err.details['registry'] : undefined;
  if (registry !== undefined) {
    switch (err.code) {
      case 'NETWORK':
        return `check that the registry ${registry} is reachable (a plain-HTTP registry must be named with --insecure-registry)`;
      case 'UNAUTHORIZED':
        return `log in to the registry (docker login ${registry}); credentials are read from docker's config.json`;
      case 'IMAGE_NOT_FOUND':
        return 'push the image first, or check the repository and tag';
      default:
        break;
    }
  }
  switch (err.code) {
    case 'REGISTRY_MISMATCH':
      return 'the tag was pushed again after it was signed: deploy the signed digest (verify --ref), or sign the tag again';
    case 'PASSPHRASE_REQUIRED': {
      const role = typeof err.details['role'] === 'string' ? err.details['role'] : 'root';
      return `set ${passphraseEnvNames(role).join(' or ')}, or pass --passphrase-file FILE (or run on a terminal to be asked)`;
    }
    case 'WRONG_PASSPHRASE': {
      const role = typeof err.details['role'] === 'string' ? err.details['role'] : 'root';
      return `check ${passphraseEnvNames(role).join(' / ')} or the --passphrase-file`;
    }
    case 'NETWORK':
      if (err.details['tls'] === true) {
        return "the server's TLS certificate was not accepted: if a private CA signed it, pass --tlscacert CA.pem (or remote_server.root_ca in the -c config, or put it in ~/.docker/tls/<host:port>/ca.crt or SSL_CERT_FILE); a server that wants a client certificate needs --tlscert/--tlskey";
      }
      return 'check the server URL (-s/--server, DOCKER_CONTENT_TRUST_SERVER) and that it is reachable';
    case 'TIMEOUT':
      return 'retry, or allow longer with --timeout (e.g. --timeout 2m)';
    case 'UNAUTHORIZED':
      return 'log in to the registry (docker login) or set NOTARY_AUTH to base64(user:password)';
    default:
      return undefined;
  }
}

/** `err` with its next step appended to the message (and in `details.nextStep`); unchanged when there is none. */
export function withNextStep(err: NotaryError): NotaryError {
  const step = nextStep(err);
  if (step === undefined || err.message.includes(step)) return err;
  return notaryError(err.code, `${err.message}; ${step}`, {
    details: { ...err.details, nextStep: step },
    cause: err.cause ?? err,
  });
}
