/** Roles of the people who use the system (DOMAIN.md, Users and their jobs). */
export const ROLES = [
  'admin',
  'duty_officer',
  'operator',
  'department',
  'town_staff',
  'village_staff',
  'grid_worker',
  'leader',
] as const;
/** A person's role. */
export type Role = (typeof ROLES)[number];

/** Chinese names of the roles, for the UI. */
export const ROLE_LABELS_ZH: Record<Role, string> = {
  admin: '管理员',
  duty_officer: '值班员',
  operator: '飞手',
  department: '部门用户',
  town_staff: '镇街人员',
  village_staff: '村居人员',
  grid_worker: '网格员',
  leader: '领导',
};
