// The session cookie on the wire: its attributes are decided here and nowhere else.
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import type { Config } from '../config/schema.js';
import { isSecureIssuer, sessionCookieName } from '../sessions/sessions.js';

type SessionConfig = Pick<Config, 'issuer' | 'sessions'>;

/** SECURITY.md: HttpOnly, SameSite=Lax, Path=/, and Secure whenever the issuer is https (the name then has `__Host-`). */
function cookieOptions(config: SessionConfig): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: isSecureIssuer(config) };
}

/** Gives the browser its new session cookie; the browser drops it when the session would end absolutely anyway. */
export function setSessionCookie(reply: FastifyReply, config: SessionConfig, cookieValue: string): FastifyReply {
  return reply.setCookie(sessionCookieName(config), cookieValue, { ...cookieOptions(config), maxAge: config.sessions.absoluteTtl });
}

/** Tells the browser to forget its session cookie (same attributes, or a `__Host-` cookie could not be replaced). */
export function clearSessionCookie(reply: FastifyReply, config: SessionConfig): FastifyReply {
  return reply.clearCookie(sessionCookieName(config), cookieOptions(config));
}
