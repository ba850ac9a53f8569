export { memberModule } from './module';
export { validateNik, parseNik, type NikProblem } from './nik/nik';
