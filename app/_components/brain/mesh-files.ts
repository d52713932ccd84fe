/**
 * What /api/meshes/[name] serves: a name the client asks for -> the file in the assets folder
 * (../shared/assets/SOURCES.md). GIfTI surfaces go out re-encoded as MZ3, so the browser reads one mesh format.
 */
export const MESH_FILES = {
  lh: 'mesh/BrainMesh_ICBM152.lh.mz3',
  rh: 'mesh/BrainMesh_ICBM152.rh.mz3',
  'inflated-lh': 'mesh/infl_left.gii.gz',
  'inflated-rh': 'mesh/infl_right.gii.gz',
  'pial-lh': 'mesh/pial_left.gii.gz',
  'pial-rh': 'mesh/pial_right.gii.gz',
  aal: 'mesh/aal.mz3',
  scalp: 'mesh/scalp.mz3',
  /** Names of the AAL indices that aal.mz3 stores per vertex. */
  'aal-labels': 'atlas/aal.nii.txt',
} as const;

export type MeshFileName = keyof typeof MESH_FILES;

export const isMeshFileName = (name: string): name is MeshFileName => Object.hasOwn(MESH_FILES, name);
