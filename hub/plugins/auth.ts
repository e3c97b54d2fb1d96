/** People's authentication (JWT bearer tokens) and role guards. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import fastifyJwt from '@fastify/jwt';
import { CommonErrors } from '../../common/errors.ts';
import type { Role } from '../../protocol/roles.ts';

/** What a token carries. */
export interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
  regionCode: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: requires a valid bearer token (or `?token=` for WebSockets). */
    authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler factory: requires one of the roles. */
    requireRoles: (...roles: Role[]) => (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

/** Registers JWT signing/verification and the guards. */
export const authPlugin = fp(async (app: FastifyInstance, opts: { secret: string; ttlS: number }) => {
  await app.register(fastifyJwt, { secret: opts.secret, sign: { expiresIn: opts.ttlS } });

  app.decorate('authenticate', async (req: FastifyRequest) => {
    try {
      const q = req.query as { token?: unknown } | undefined;
      if (!req.headers.authorization && typeof q?.token === 'string') {
        req.user = app.jwt.verify<TokenClaims>(q.token);
      } else {
        await req.jwtVerify();
      }
    } catch {
      throw CommonErrors.UNAUTHENTICATED('登录已失效或缺少令牌 / missing or invalid token');
    }
  });

  app.decorate('requireRoles', (...roles: Role[]) => async (req: FastifyRequest, reply: FastifyReply) => {
    await app.authenticate(req, reply);
    if (!roles.includes(req.user.role)) throw CommonErrors.FORBIDDEN(`需要角色 / requires role: ${roles.join(', ')}`);
  });
});
