// doctor: repository health, expiry warnings and the fix for each finding.
export { DEFAULT_WARN_MS, type DoctorOptions, doctor } from './doctor.js';
export type {
  DoctorReport,
  DoctorRepositoryReport,
  Finding,
  FindingCode,
  KeyHealth,
  KeyLocation,
  RoleHealth,
  Severity,
  Verdict,
} from './report.js';
