// check: the server conformance oracle (verify everything a server holds; test its answers against the Notary API).
export {
  type CheckCode,
  type CheckFinding,
  type CheckOptions,
  type CheckReport,
  type CheckRepositoryReport,
  check,
} from './check.js';
