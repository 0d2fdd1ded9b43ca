import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_RULE, type AccessRule } from '../../src/http/access';
import { DPO_KEY, SECRETARIAT_KEY, type TestApp } from './test-app';

export interface Route {
  method: string;
  /** Nest's form: /groups/:diagnosisId/roster */
  path: string;
  rule: AccessRule | undefined;
  /** Declared with @ApiProduces('text/html'): a web page, whose errors are pages too. */
  servesHtml: boolean;
}

/** Where @nestjs/swagger keeps @ApiProduces (its constants are not exported). */
const API_PRODUCES = 'swagger/apiProduces';

/** Every route Nest serves, read from the controllers' routing metadata, with its access rule. */
export function discoverRoutes(service: TestApp): Route[] {
  const discovery = new DiscoveryService(service.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!controller) continue;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, (...args: unknown[]) => unknown>)[name];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const path = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
      const produces = reflector.getAllAndOverride<string[] | undefined>(API_PRODUCES, [handler, controller]) ?? [];
      routes.push({ method: RequestMethod[method], path, rule: reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, controller]), servesHtml: produces.includes('text/html') });
    }
  }
  return routes;
}

export const routeName = (route: { method: string; path: string }): string => `${route.method} ${route.path}`;

/** The staff key that passes a staff route's guard (the secretariat's where both roles may call it). */
export function staffKeyFor(rule: AccessRule & { kind: 'staff' }): string {
  return rule.roles.includes('secretariat') ? SECRETARIAT_KEY : DPO_KEY;
}
