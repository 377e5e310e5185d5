export { registerConfigurationRoutes } from './configurations.routes.ts';
export { configurationMismatch, getConfiguration } from './configurations.service.ts';
export { diffProjects, packProjectFile, projectXmlOf, readProjectFile } from './project-file.ts';
