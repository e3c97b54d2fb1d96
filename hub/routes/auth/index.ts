/** Sign-in of people. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorReply, LoginBody, LoginReply, UserView } from '../../../protocol/api.schema.ts';
import { CommonErrors } from '../../../common/errors.ts';
import type { AuthService } from '../../services/auth.service.ts';

/** Registers `POST /api/v1/auth/login` and `GET /api/v1/auth/me`. */
export async function authRoutes(app: FastifyInstance, opts: { auth: AuthService; ttlS: number }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: '登录 / sign in',
        body: LoginBody,
        response: { 200: LoginReply, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (req) => {
      const user = await opts.auth.login(req.body.username, req.body.password, req.ip);
      const token = app.jwt.sign({ sub: String(user.id), username: user.username, role: user.role, regionCode: user.regionCode });
      return { token, expiresInS: opts.ttlS, user };
    },
  );

  r.get(
    '/api/v1/auth/me',
    { preHandler: app.authenticate, schema: { tags: ['auth'], summary: '当前用户 / who am I', security: [{ bearer: [] }], response: { 200: UserView, 401: ErrorReply } } },
    async (req) => {
      const user = await opts.auth.currentUser(Number(req.user.sub));
      if (!user) throw CommonErrors.UNAUTHENTICATED('账号不存在或已停用 / account gone or disabled');
      return user;
    },
  );
}
