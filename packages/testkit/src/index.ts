export {
  containerRuntime,
  describeWithContainers,
  type ContainerRuntime,
} from './container-runtime';
