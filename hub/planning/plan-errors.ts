/** Why the flight planner refuses a task: stable codes, Chinese first. */
import { defineErrors } from '../../common/errors.ts';

/** Refusals of the flight planner. */
export const PlanErrors = defineErrors({
  POLYGON_SELF_INTERSECTS: { status: 400, message: '区域边界自相交，请重新绘制 / the area polygon intersects itself' },
  POLYGON_INVALID: { status: 400, message: '区域至少需要 3 个不同的顶点且面积不为零 / an area needs at least 3 distinct vertices and a non-zero area' },
  AREA_SIZE_OUT_OF_RANGE: { status: 400, message: '区域面积超出允许范围 / the area is too small or too large' },
  ROUTE_INVALID: { status: 400, message: '航线至少需要 2 个不同的点 / a route needs at least 2 distinct points' },
  POINTS_INVALID: { status: 400, message: '请至少指定 1 个兴趣点 / at least one point of interest is needed' },
  ALTITUDE_INVALID: { status: 400, message: '飞行高度必须大于 0 米 / altitude must be above 0 m' },
  ALTITUDE_ABOVE_LIMIT: { status: 400, message: '飞行高度不得超过真高 120 米（其上为管制空域）/ altitude must not exceed 120 m true height (controlled airspace above)' },
  OUTSIDE_OPERATION_AREA: { status: 400, message: '任务范围超出作业区（番禺区）/ the task lies outside the operation area' },
  POINT_IN_KEEP_OUT: { status: 400, message: '航点或兴趣点位于禁飞区内 / a waypoint or point of interest lies inside a keep-out zone' },
  AREA_IN_KEEP_OUT: { status: 400, message: '区域完全位于禁飞区内 / the area lies entirely inside a keep-out zone' },
  ROUTE_BLOCKED_BY_KEEP_OUT: { status: 400, message: '禁飞区阻断航线且无法绕行 / a keep-out zone blocks the route and there is no way around it' },
  OUT_OF_COVERAGE: { status: 400, message: '没有机库的覆盖半径能到达整个任务范围 / no dock covers the whole task' },
  NO_DOCK_AVAILABLE: { status: 409, message: '覆盖该任务的机库当前均不可用 / every dock that covers the task is unavailable now' },
  SORTIE_EXCEEDS_BATTERY: { status: 400, message: '单段航程超出电池能力 / one leg of the task is beyond the battery' },
});
