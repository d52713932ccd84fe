/**
 * The 3D brain: a plain three.js class (WebGL2) that React only mounts. Everything is in MNI mm (x right,
 * y anterior, z superior). Electrodes are one InstancedMesh (one draw call for any number), frames are drawn on
 * demand (after a change, never in a constant loop), and picking renders object ids into a small target around
 * the pointer, so contacts hidden behind an opaque cortex cannot be picked.
 */
import {
  AmbientLight,
  BufferAttribute,
  BufferGeometry,
  Color,
  ConeGeometry,
  DirectionalLight,
  DoubleSide,
  Float32BufferAttribute,
  InstancedBufferAttribute,
  InstancedMesh,
  Matrix4,
  Mesh as ThreeMesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  type Object3D,
  PerspectiveCamera,
  PlaneGeometry,
  Scene,
  ShaderMaterial,
  SphereGeometry,
  SRGBColorSpace,
  Vector2,
  Vector3,
  WebGLRenderTarget,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { colorTable, type ColormapName } from '@/lib/colormaps';
import { PointGrid } from '@/lib/mesh/grid';
import { SurfaceProjector, type ProjectionOptions, type SurfaceMap } from '@/lib/mesh/projection';
import { Topomap } from '@/lib/mesh/topomap';
import type { Mesh } from '@/lib/mesh/types';

export type Hemisphere = 'lh' | 'rh';
export type CameraPreset = 'left' | 'right' | 'top' | 'bottom' | 'front' | 'back';
export type CortexSurface = 'pial' | 'inflated';

export interface ColorScale {
  colormap: ColormapName;
  /** Values at the two ends of the map; values outside are clamped. */
  limits: [number, number];
}

export interface BrainMeshes {
  /** ICBM152 hemispheres, MNI mm. */
  lh: Mesh;
  rh: Mesh;
  /**
   * Inflated fsaverage hemispheres (centred on their own origin) with the pial surfaces of the same vertices in
   * MNI mm: electrodes and projected values are placed on the pial surface and shown at the same vertex inflated.
   */
  inflated: { lh: Mesh; rh: Mesh; lhPial: Mesh; rhPial: Mesh };
  /** Both hemispheres with the AAL index (1-116, odd = left) of each vertex in `scalars`. */
  aal: Mesh;
  /** Head surface, mm, for EEG sensors and topomaps. */
  scalp: Mesh;
}

/** A surface map for one hemisphere, in the vertex order of the displayed surface. */
export interface HemisphereMap {
  values: ArrayLike<number>;
  /** How much data backs each vertex: the map fades into the cortex below 1 (e.g. SurfaceMap.weight). */
  weight?: ArrayLike<number>;
}

/** Hover and click report the electrode index (-1: none) and the pointer in CSS px from the canvas corner. */
export type PointerHandler = (index: number, x: number, y: number) => void;

const PICK_LAYER = 1;
/** Side of the square around the pointer searched for a contact, CSS px: small spheres need some slack. */
const PICK_SIZE = 9;
const UP = new Vector3(0, 0, 1);
const CORTEX_GREY = new Color().setRGB(0.8, 0.8, 0.8, SRGBColorSpace);
const SKIN = new Color().setRGB(0.93, 0.84, 0.76, SRGBColorSpace);
const NO_VALUE = new Color().setRGB(0.55, 0.55, 0.55, SRGBColorSpace);

/** Headlight direction in view space; the DirectionalLight on the cortex comes from the same place. */
const HEADLIGHT: [number, number, number] = [0.15, 0.25, 1];

/**
 * Electrodes as sphere impostors: one camera-facing quad per instance (2 triangles instead of ~100, which is what
 * lets software GL draw 11,000 of them), ray-cast against the sphere per fragment for an exact outline, normal
 * and depth, and lit as the cortex is. With `picking` the same fragments write the instance id (1-based) as RGB.
 */
const ELECTRODE_VERTEX = /* glsl */ `
varying vec3 vPosition;
varying vec3 vCentre;
varying float vRadius;
varying vec3 vColor;
flat varying vec3 vId;
void main() {
  vec4 centre = modelViewMatrix * instanceMatrix * vec4(0.0, 0.0, 0.0, 1.0);
  vRadius = length((modelViewMatrix * instanceMatrix * vec4(1.0, 0.0, 0.0, 0.0)).xyz);
  vCentre = centre.xyz;
  // 15% larger than the sphere: seen off-axis in perspective its outline is a little wider than its radius.
  vPosition = centre.xyz + vec3(position.xy * vRadius * 1.15, 0.0);
#ifdef USE_INSTANCING_COLOR
  vColor = instanceColor;
#else
  vColor = vec3(1.0);
#endif
  int id = gl_InstanceID + 1;
  vId = vec3(float(id & 255), float((id >> 8) & 255), float((id >> 16) & 255)) / 255.0;
  gl_Position = projectionMatrix * vec4(vPosition, 1.0);
}`;
const ELECTRODE_FRAGMENT = /* glsl */ `
uniform mat4 projectionMatrix;
uniform float picking;
uniform vec3 headlight;
varying vec3 vPosition;
varying vec3 vCentre;
varying float vRadius;
varying vec3 vColor;
flat varying vec3 vId;
void main() {
  // The eye is at the origin of view space: the first hit of the ray through this fragment.
  vec3 ray = normalize(vPosition);
  float b = dot(ray, vCentre);
  float disc = b * b - dot(vCentre, vCentre) + vRadius * vRadius;
  if (disc < 0.0) discard;
  vec3 hit = ray * (b - sqrt(disc));
  vec4 clip = projectionMatrix * vec4(hit, 1.0);
  gl_FragDepth = 0.5 * clip.z / clip.w + 0.5;
  if (picking > 0.5) {
    gl_FragColor = vec4(vId, 1.0);
    return;
  }
  vec3 normal = (hit - vCentre) / vRadius;
  // Ambient 0.4 + headlight 0.6, as the Lambert cortex: full colour where the sphere faces the light.
  gl_FragColor = vec4(vColor * (0.4 + 0.6 * max(dot(normal, headlight), 0.0)), 1.0);
  #include <colorspace_fragment>
}`;

/** Linear-RGB lookup tables (the maps are defined in sRGB; vertex and instance colours are linear). */
const LUTS = new Map<ColormapName, Float32Array>();
function linearTable(name: ColormapName): Float32Array {
  let lut = LUTS.get(name);
  if (!lut) {
    const srgb = colorTable(name, 256);
    lut = new Float32Array(srgb.length);
    const c = new Color();
    for (let i = 0; i < 256; i++) {
      c.setRGB(srgb[3 * i] / 255, srgb[3 * i + 1] / 255, srgb[3 * i + 2] / 255, SRGBColorSpace);
      lut.set([c.r, c.g, c.b], 3 * i);
    }
    LUTS.set(name, lut);
  }
  return lut;
}

/** Writes the colour of `value` into rgb[3 * i..], over `fallback` with opacity `alpha`; `fallback` alone for NaN. */
function paint(rgb: Float32Array, i: number, value: number, scale: ColorScale, fallback: Color, alpha = 1): void {
  if (!Number.isFinite(value) || !(alpha > 0)) {
    rgb[3 * i] = fallback.r;
    rgb[3 * i + 1] = fallback.g;
    rgb[3 * i + 2] = fallback.b;
    return;
  }
  const [lo, hi] = scale.limits;
  const t = hi > lo ? (value - lo) / (hi - lo) : 0.5;
  const k = 3 * Math.round(Math.min(1, Math.max(0, t)) * 255);
  const lut = linearTable(scale.colormap);
  const a = Math.min(1, alpha);
  rgb[3 * i] = fallback.r + a * (lut[k] - fallback.r);
  rgb[3 * i + 1] = fallback.g + a * (lut[k + 1] - fallback.g);
  rgb[3 * i + 2] = fallback.b + a * (lut[k + 2] - fallback.b);
}

/** Whether WebGL runs on the CPU: a throwaway context names its renderer. */
function softwareGl(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}

/**
 * A see-through surface draws its depth first (after the opaque contacts, so they stay visible through it), then
 * its colour where it is nearest: one translucent layer, not every fold behind it blended into speckle.
 */
function withDepthPass(surface: ThreeMesh, depthOnly: MeshBasicMaterial | MeshBasicMaterial[]): ThreeMesh {
  const depth = new ThreeMesh(surface.geometry, depthOnly);
  depth.renderOrder = 2;
  surface.add(depth);
  return surface;
}

function applyOpacity(material: MeshLambertMaterial, depthOnly: MeshBasicMaterial, visible: boolean, opacity: number): void {
  material.opacity = Math.min(1, Math.max(0, opacity));
  material.visible = visible && material.opacity > 0;
  material.transparent = material.opacity < 1;
  // The colour pass of a see-through surface leaves depth to its depth-only pass.
  material.depthWrite = !material.transparent;
  depthOnly.visible = material.visible && material.transparent;
}

function geometryOf(mesh: Mesh, base: Color): BufferGeometry {
  const g = new BufferGeometry();
  g.setAttribute('position', new Float32BufferAttribute(mesh.positions, 3));
  g.setIndex(new BufferAttribute(mesh.indices, 1));
  g.computeVertexNormals();
  const colors = new Float32Array(mesh.positions.length);
  for (let i = 0; i < colors.length; i += 3) colors.set([base.r, base.g, base.b], i);
  g.setAttribute('color', new Float32BufferAttribute(colors, 3));
  return g;
}

interface Cortex {
  mesh: ThreeMesh;
  /** Where electrodes and projected values are computed: the vertices in MNI mm. */
  anatomy: Float32Array;
  grid?: PointGrid;
  /** Kernel weights for the current contacts and projection options (`key`), and the map they last made. */
  projection?: { key: string; projector: SurfaceProjector; map: SurfaceMap };
}

export class BrainViewer {
  /** Frames drawn so far (benchmarks count them). */
  frames = 0;
  private onHover: PointerHandler | null = null;
  private onClick: PointerHandler | null = null;

  private readonly canvas: HTMLCanvasElement;
  private readonly ownsCanvas: boolean;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(30, 1, 1, 4000);
  private readonly controls: OrbitControls;
  private readonly background: Color;
  private readonly resizeObserver: ResizeObserver;
  private frameRequest = 0;
  private hoverRequest = 0;
  private readonly pointer = { x: 0, y: 0, downX: 0, downY: 0, inside: false };

  private readonly materials: Record<Hemisphere, MeshLambertMaterial> = {
    lh: new MeshLambertMaterial({ vertexColors: true }),
    rh: new MeshLambertMaterial({ vertexColors: true }),
  };
  private readonly hemisphereState: Record<Hemisphere, { visible: boolean; opacity: number }> = {
    lh: { visible: true, opacity: 1 },
    rh: { visible: true, opacity: 1 },
  };
  private readonly pial: Partial<Record<Hemisphere, Cortex>> = {};
  private readonly inflated: Partial<Record<Hemisphere, Cortex>> = {};
  private aal: ThreeMesh | null = null;
  private scalp: ThreeMesh | null = null;
  private readonly scalpMaterial = new MeshLambertMaterial({ vertexColors: true, side: DoubleSide });
  /** Depth-only twins of the surface materials, drawn while a surface is see-through (see applyOpacity). */
  private readonly depthOnly: Record<Hemisphere | 'scalp', MeshBasicMaterial> = {
    lh: new MeshBasicMaterial({ colorWrite: false }),
    rh: new MeshBasicMaterial({ colorWrite: false }),
    scalp: new MeshBasicMaterial({ colorWrite: false, side: DoubleSide }),
  };
  private surface: CortexSurface = 'pial';
  private showParcels = false;
  /** Inputs of the last projection, so a change of surface can project again onto the new vertices. */
  private projection: { values: ArrayLike<number>; scale: ColorScale; options: ProjectionOptions } | null = null;
  private topomap: { key: string; map: Topomap; channels: number[] } | null = null;

  private electrodes: InstancedMesh | null = null;
  private electrodePositions: Float32Array = new Float32Array(0);
  private electrodeNames: readonly string[] = [];
  private electrodeRegions: readonly (string | undefined)[] = [];
  private electrodeRadius = 2;
  private readonly electrodeMaterial = new ShaderMaterial({
    vertexShader: ELECTRODE_VERTEX,
    fragmentShader: ELECTRODE_FRAGMENT,
    uniforms: { picking: { value: 0 }, headlight: { value: new Vector3(...HEADLIGHT).normalize() } },
  });
  private readonly marker: ThreeMesh;
  private selected = -1;
  /** Annotation pins: a cone above each pinned contact, pointing at it. */
  private pins: InstancedMesh | null = null;
  private pinned: number[] = [];
  private readonly pinMaterial = new MeshLambertMaterial({ color: 0xf59f00 });

  private readonly pickTarget = new WebGLRenderTarget(PICK_SIZE, PICK_SIZE);
  private readonly pickPixels = new Uint8Array(PICK_SIZE * PICK_SIZE * 4);
  /** Surface materials: in the pick pass they write depth only, hiding the contacts behind them. */
  private readonly occluders = [this.materials.lh, this.materials.rh, this.scalpMaterial];
  private readonly matrix = new Matrix4();
  private readonly offset = new Vector3();
  private readonly point = new Vector3();
  private readonly size = new Vector2();

  /** `antialias` defaults to on, except on software GL (SwiftShader, llvmpipe), where it halves the frame rate. */
  constructor(target: HTMLCanvasElement | HTMLElement, options: { background?: string; antialias?: boolean } = {}) {
    this.ownsCanvas = !(target instanceof HTMLCanvasElement);
    this.canvas = target instanceof HTMLCanvasElement ? target : document.createElement('canvas');
    if (this.ownsCanvas) {
      Object.assign(this.canvas.style, { width: '100%', height: '100%', display: 'block', touchAction: 'none' });
      target.appendChild(this.canvas);
    }
    const hardware = !softwareGl();
    this.renderer = new WebGLRenderer({ canvas: this.canvas, antialias: options.antialias ?? hardware });
    this.renderer.setPixelRatio(hardware ? Math.min(2, window.devicePixelRatio || 1) : 1);
    this.background = new Color(options.background ?? '#ffffff');
    this.renderer.setClearColor(this.background, 1);

    this.camera.up.copy(UP);
    this.scene.add(this.camera);
    // Ambient + a headlight that turns with the camera: 0.4 pi + 0.6 pi gives full colour where a surface faces the
    // viewer (three's Lambert divides by pi), so an electrode's centre shows its colour-map colour.
    this.scene.add(new AmbientLight(0xffffff, 0.4 * Math.PI));
    const headlight = new DirectionalLight(0xffffff, 0.6 * Math.PI);
    headlight.position.set(...HEADLIGHT);
    headlight.target = this.camera;
    this.camera.add(headlight);

    this.marker = new ThreeMesh(
      new SphereGeometry(1, 24, 16),
      new MeshBasicMaterial({ color: 0xff2d55, transparent: true, opacity: 0.45, depthWrite: false }),
    );
    this.marker.visible = false;
    this.scene.add(this.marker);

    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.screenSpacePanning = true;
    this.controls.addEventListener('change', this.requestRender);
    this.canvas.addEventListener('pointermove', this.handlePointerMove);
    this.canvas.addEventListener('pointerdown', this.handlePointerDown);
    this.canvas.addEventListener('pointerup', this.handlePointerUp);
    this.canvas.addEventListener('pointerleave', this.handlePointerLeave);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.ownsCanvas ? target : this.canvas);
    this.resize();
    this.setCameraPreset('left');
  }

  /** Adds or replaces meshes; the camera is framed on the cortex when the hemispheres arrive. */
  loadMeshes(meshes: Partial<BrainMeshes>): void {
    for (const hemi of ['lh', 'rh'] as const) {
      const pial = meshes[hemi];
      if (pial) this.pial[hemi] = this.replaceCortex(hemi, this.pial[hemi], pial, pial.positions);
      const inflated = meshes.inflated;
      if (inflated) {
        this.inflated[hemi] = this.replaceCortex(hemi, this.inflated[hemi], inflated[hemi], inflated[hemi === 'lh' ? 'lhPial' : 'rhPial'].positions);
      }
    }
    if (meshes.inflated) this.placeInflated();
    if (meshes.aal) {
      this.disposeObject(this.aal);
      this.aal = this.makeParcels(meshes.aal);
      this.scene.add(this.aal);
    }
    if (meshes.scalp) {
      this.disposeObject(this.scalp);
      this.scalp = withDepthPass(new ThreeMesh(geometryOf(meshes.scalp, SKIN), this.scalpMaterial), this.depthOnly.scalp);
      this.scene.add(this.scalp);
      this.topomap = null;
    }
    if (meshes.lh || meshes.rh) this.setCameraPreset('left');
    this.placeElectrodes();
    this.updateVisibility();
    if (this.projection) this.projectValues(this.projection.values, this.projection.scale, this.projection.options);
  }

  /** Which cortex to show: the MNI pial surface or the inflated one (needs `inflated` meshes). */
  setSurface(surface: CortexSurface): void {
    if (surface === 'inflated' && !this.inflated.lh) throw new Error('load the inflated meshes first');
    this.surface = surface;
    this.placeElectrodes();
    this.updateVisibility();
    if (this.projection) this.projectValues(this.projection.values, this.projection.scale, this.projection.options);
    else this.setSurfaceValues(null);
  }

  setHemisphere(hemi: Hemisphere, state: { visible?: boolean; opacity?: number }): void {
    if (state.visible !== undefined) this.hemisphereState[hemi].visible = state.visible;
    if (state.opacity !== undefined) this.hemisphereState[hemi].opacity = state.opacity;
    this.updateVisibility();
  }

  setScalp(state: { visible?: boolean; opacity?: number }): void {
    if (!this.scalp) return;
    if (state.visible !== undefined) this.scalp.visible = state.visible;
    if (state.opacity !== undefined) applyOpacity(this.scalpMaterial, this.depthOnly.scalp, true, state.opacity);
    this.updateVisibility();
  }

  /**
   * The contacts: positions (x, y, z per contact, MNI mm), names, optional regions. `radius` in mm defaults to
   * 2, or 1.2 when there are thousands.
   */
  setElectrodes(positions: Float32Array, names: readonly string[], options: { regions?: readonly (string | undefined)[]; radius?: number } = {}): void {
    const n = positions.length / 3;
    if (names.length !== n) throw new RangeError(`${names.length} names for ${n} positions`);
    this.electrodePositions = positions;
    this.electrodeNames = names;
    this.electrodeRegions = options.regions ?? [];
    this.electrodeRadius = options.radius ?? (n > 2000 ? 1.2 : 2);
    this.projection = null;
    this.topomap = null;
    for (const cortex of [this.pial.lh, this.pial.rh, this.inflated.lh, this.inflated.rh]) if (cortex) cortex.projection = undefined;

    if (!this.electrodes || this.electrodes.instanceMatrix.count < n) {
      this.disposeObject(this.electrodes);
      this.electrodes = new InstancedMesh(new PlaneGeometry(2, 2), this.electrodeMaterial, Math.max(n, 1));
      this.electrodes.instanceColor = new InstancedBufferAttribute(new Float32Array(Math.max(n, 1) * 3), 3);
      this.electrodes.layers.enable(PICK_LAYER);
      // After the surfaces, which hide contacts from picking by depth alone.
      this.electrodes.renderOrder = 1;
      this.scene.add(this.electrodes);
    }
    this.electrodes.count = n;
    this.setValues(null);
    this.placeElectrodes();
    this.setSelected(-1);
  }

  /** Colours the contacts by value (one per contact; NaN: no value, grey); null: all grey. */
  setValues(values: ArrayLike<number> | null, scale?: ColorScale): void {
    if (!this.electrodes) return;
    const rgb = this.electrodes.instanceColor!.array as Float32Array;
    for (let i = 0; i < this.electrodes.count; i++) {
      paint(rgb, i, values && scale ? values[i] : NaN, scale ?? { colormap: 'viridis', limits: [0, 1] }, NO_VALUE);
    }
    this.electrodes.instanceColor!.needsUpdate = true;
    this.requestRender();
  }

  /** Per-vertex values on the displayed cortex (null: plain cortex). */
  setSurfaceValues(maps: Partial<Record<Hemisphere, HemisphereMap>> | null, scale?: ColorScale): void {
    for (const hemi of ['lh', 'rh'] as const) {
      const cortex = this.currentCortex(hemi);
      if (!cortex) continue;
      const attribute = cortex.mesh.geometry.getAttribute('color') as BufferAttribute;
      const rgb = attribute.array as Float32Array;
      const map = maps?.[hemi];
      for (let v = 0; v < attribute.count; v++) {
        paint(rgb, v, map && scale ? map.values[v] : NaN, scale ?? { colormap: 'viridis', limits: [0, 1] }, CORTEX_GREY, map?.weight ? map.weight[v] : 1);
      }
      attribute.needsUpdate = true;
    }
    this.projection = null;
    this.requestRender();
  }

  /**
   * Contact values spread over the cortex with a Gaussian kernel (lib/mesh/projection), faded out where no
   * contact is near. The kernel weights are kept, so a new set of values (a time step) is cheap.
   */
  projectValues(values: ArrayLike<number>, scale: ColorScale, options: ProjectionOptions = {}): void {
    const maps: Partial<Record<Hemisphere, HemisphereMap>> = {};
    for (const hemi of ['lh', 'rh'] as const) {
      const cortex = this.currentCortex(hemi);
      if (!cortex) continue;
      const key = JSON.stringify(options);
      if (cortex.projection?.key !== key) {
        const projector = new SurfaceProjector(cortex.anatomy, this.electrodePositions, options);
        cortex.projection = { key, projector, map: { values: new Float32Array(projector.vertexCount), weight: new Float32Array(projector.vertexCount) } };
      }
      maps[hemi] = cortex.projection.projector.project(values, cortex.projection.map);
    }
    this.setSurfaceValues(maps, scale);
    this.projection = { values, scale, options };
  }

  /** AAL index -> value, shown on the AAL surface (regions without a value stay grey); null: back to the cortex. */
  setParcelValues(values: ReadonlyMap<number, number> | null, scale?: ColorScale): void {
    this.showParcels = values !== null && this.aal !== null;
    if (this.aal && values && scale) {
      const labels = this.aal.userData.labels as Int32Array;
      const attribute = this.aal.geometry.getAttribute('color') as BufferAttribute;
      const rgb = attribute.array as Float32Array;
      for (let v = 0; v < labels.length; v++) paint(rgb, v, values.get(labels[v]) ?? NaN, scale, CORTEX_GREY);
      attribute.needsUpdate = true;
    }
    this.updateVisibility();
  }

  /**
   * A topomap on the scalp from the contacts' values (EEG sensors; lib/mesh/topomap spherical splines). Contacts
   * without a finite value are left out of the fit. null: plain scalp.
   */
  setScalpValues(values: ArrayLike<number> | null, scale?: ColorScale): void {
    if (!this.scalp) return;
    const attribute = this.scalp.geometry.getAttribute('color') as BufferAttribute;
    const rgb = attribute.array as Float32Array;
    let vertexValues: Float32Array | null = null;
    if (values && scale) {
      const channels: number[] = [];
      for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) channels.push(i);
      const key = channels.join(',');
      if (channels.length > 0 && this.topomap?.key !== key) {
        const positions = new Float32Array(channels.flatMap((i) => [...this.electrodePositions.subarray(3 * i, 3 * i + 3)]));
        const scalpPositions = this.scalp.geometry.getAttribute('position').array as Float32Array;
        this.topomap = { key, map: new Topomap(scalpPositions, positions), channels };
      }
      if (this.topomap && channels.length > 0) vertexValues = this.topomap.map.interpolate(this.topomap.channels.map((i) => values[i]));
    }
    for (let v = 0; v < attribute.count; v++) paint(rgb, v, vertexValues ? vertexValues[v] : NaN, scale ?? { colormap: 'viridis', limits: [0, 1] }, SKIN);
    attribute.needsUpdate = true;
    this.requestRender();
  }

  /** Hover reports the contact under the pointer (throttled to one pick per frame, none while dragging); click one. */
  setPointerHandlers(handlers: { onHover?: PointerHandler | null; onClick?: PointerHandler | null }): void {
    if (handlers.onHover !== undefined) this.onHover = handlers.onHover;
    if (handlers.onClick !== undefined) this.onClick = handlers.onClick;
  }

  /** Marks one contact (-1: none). */
  setSelected(index: number): void {
    this.selected = index >= 0 && index < (this.electrodes?.count ?? 0) ? index : -1;
    this.marker.visible = this.selected >= 0;
    if (this.selected >= 0) {
      this.electrodes!.getMatrixAt(this.selected, this.matrix);
      this.marker.position.setFromMatrixPosition(this.matrix);
      this.marker.scale.setScalar(this.electrodeRadius * 2.2);
    }
    this.requestRender();
  }

  /** Puts a pin above each given contact (annotated ones); an empty list removes them. */
  setPins(indices: readonly number[]): void {
    this.pinned = indices.filter((i) => i >= 0 && i < (this.electrodes?.count ?? 0));
    this.disposeObject(this.pins);
    this.pins = null;
    if (this.pinned.length) {
      const r = this.electrodeRadius;
      // Along +z (superior), tip down touching the top of the contact.
      const geometry = new ConeGeometry(r * 0.9, r * 3, 12).rotateX(-Math.PI / 2).translate(0, 0, r * 2.5);
      this.pins = new InstancedMesh(geometry, this.pinMaterial, this.pinned.length);
      this.pinned.forEach((index, k) => {
        this.electrodes!.getMatrixAt(index, this.matrix);
        this.point.setFromMatrixPosition(this.matrix);
        this.pins!.setMatrixAt(k, this.matrix.makeTranslation(this.point.x, this.point.y, this.point.z));
      });
      this.pins.instanceMatrix.needsUpdate = true;
      this.pins.computeBoundingSphere();
      this.scene.add(this.pins);
    }
    this.requestRender();
  }

  /** Name and region of a contact, for tooltips. */
  electrode(index: number): { name: string; region?: string } | null {
    if (index < 0 || index >= this.electrodeNames.length) return null;
    return { name: this.electrodeNames[index], region: this.electrodeRegions[index] };
  }

  /** Turns the view to a contact (or a point in MNI mm), keeping the distance. */
  focus(target: number | [number, number, number]): void {
    if (typeof target === 'number') {
      if (!this.electrodes || target < 0 || target >= this.electrodes.count) return;
      this.electrodes.getMatrixAt(target, this.matrix);
      this.point.setFromMatrixPosition(this.matrix);
    } else {
      this.point.set(...target);
    }
    this.offset.copy(this.camera.position).sub(this.controls.target);
    this.controls.target.copy(this.point);
    this.camera.position.copy(this.point).add(this.offset);
    this.controls.update();
    this.requestRender();
  }

  setCameraPreset(preset: CameraPreset): void {
    const { centre, radius } = this.bounds();
    // Fit the largest half extent in the narrower field of view, from in front of the nearest point.
    const halfFov = Math.atan(Math.tan((this.camera.fov * Math.PI) / 360) * Math.min(1, this.camera.aspect));
    const distance = (1.1 * radius) / Math.tan(halfFov) + radius;
    // Up stays +z (OrbitControls orbits around camera.up); top and bottom views tilt a hair so anterior is up.
    const direction: Record<CameraPreset, [number, number, number]> = {
      left: [-1, 0, 0],
      right: [1, 0, 0],
      front: [0, 1, 0],
      back: [0, -1, 0],
      top: [0, -1e-3, 1],
      bottom: [0, 1e-3, -1],
    };
    this.offset.set(...direction[preset]).normalize().multiplyScalar(distance);
    this.controls.target.copy(centre);
    this.camera.position.copy(centre).add(this.offset);
    this.camera.near = distance / 20;
    this.camera.far = distance * 10;
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.requestRender();
  }

  /** Orbits about the vertical axis by `radians` (benchmarks, animations). */
  rotate(radians: number): void {
    this.offset.copy(this.camera.position).sub(this.controls.target).applyAxisAngle(UP, radians);
    this.camera.position.copy(this.controls.target).add(this.offset);
    this.controls.update();
  }

  /** Where a contact is on the canvas (CSS px from the top left), or null when it is behind the camera. */
  screenPosition(index: number): { x: number; y: number } | null {
    if (!this.electrodes || index < 0 || index >= this.electrodes.count) return null;
    this.electrodes.getMatrixAt(index, this.matrix);
    this.point.setFromMatrixPosition(this.matrix).project(this.camera);
    if (this.point.z > 1) return null;
    return { x: ((this.point.x + 1) / 2) * this.canvas.clientWidth, y: ((1 - this.point.y) / 2) * this.canvas.clientHeight };
  }

  /** The contact drawn at (x, y) CSS px from the canvas corner, or nearest to it within a few pixels; -1 if none. */
  pick(x: number, y: number): number {
    if (!this.electrodes || this.electrodes.count === 0) return -1;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    const half = (PICK_SIZE - 1) / 2;
    this.camera.setViewOffset(w, h, Math.floor(x) - half, Math.floor(y) - half, PICK_SIZE, PICK_SIZE);
    this.camera.layers.set(PICK_LAYER);
    for (const material of this.occluders) material.colorWrite = false;
    this.electrodeMaterial.uniforms.picking.value = 1;
    this.renderer.setRenderTarget(this.pickTarget);
    this.renderer.setClearColor(0x000000, 1);
    this.renderer.render(this.scene, this.camera);
    this.renderer.readRenderTargetPixels(this.pickTarget, 0, 0, PICK_SIZE, PICK_SIZE, this.pickPixels);
    this.renderer.setRenderTarget(null);
    this.renderer.setClearColor(this.background, 1);
    for (const material of this.occluders) material.colorWrite = true;
    this.electrodeMaterial.uniforms.picking.value = 0;
    this.camera.layers.set(0);
    this.camera.clearViewOffset();
    // The hit nearest the centre (render target rows run bottom to top).
    let best = -1;
    let bestD2 = Infinity;
    for (let row = 0; row < PICK_SIZE; row++) {
      for (let col = 0; col < PICK_SIZE; col++) {
        const p = 4 * (row * PICK_SIZE + col);
        const id = this.pickPixels[p] | (this.pickPixels[p + 1] << 8) | (this.pickPixels[p + 2] << 16);
        const d2 = (row - half) ** 2 + (col - half) ** 2;
        if (id > 0 && d2 < bestD2) {
          bestD2 = d2;
          best = id - 1;
        }
      }
    }
    return best < this.electrodes.count ? best : -1;
  }

  /** The current view as a PNG of width x height pixels (at most the GPU's render buffer size). */
  toPNG(width: number, height: number): Promise<Blob> {
    const gl = this.renderer.getContext();
    const max = Math.min(gl.getParameter(gl.MAX_RENDERBUFFER_SIZE), ...(gl.getParameter(gl.MAX_VIEWPORT_DIMS) as Int32Array));
    if (!(width >= 1 && height >= 1 && width <= max && height <= max)) {
      return Promise.reject(new RangeError(`image size ${width} x ${height} is outside 1..${max} pixels on this GPU`));
    }
    const ratio = this.renderer.getPixelRatio();
    this.renderer.getSize(this.size);
    const { x: w, y: h } = this.size;
    this.renderer.setPixelRatio(1);
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.renderer.render(this.scene, this.camera);
    // toBlob copies the drawing buffer now, before the size is restored below.
    const png = new Promise<Blob>((resolve, reject) =>
      this.canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the image'))), 'image/png'),
    );
    this.renderer.setPixelRatio(ratio);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
    return png;
  }

  /** Draws on the next animation frame (once, however many changes arrive before it). */
  readonly requestRender = (): void => {
    if (this.frameRequest === 0) this.frameRequest = requestAnimationFrame(this.render);
  };

  /** Draws now. */
  readonly render = (): void => {
    if (this.frameRequest !== 0) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = 0;
    this.renderer.render(this.scene, this.camera);
    this.frames++;
  };

  /** Draw calls and triangles of the last render. */
  get renderInfo(): { calls: number; triangles: number } {
    return { calls: this.renderer.info.render.calls, triangles: this.renderer.info.render.triangles };
  }

  dispose(): void {
    cancelAnimationFrame(this.frameRequest);
    cancelAnimationFrame(this.hoverRequest);
    this.resizeObserver.disconnect();
    this.canvas.removeEventListener('pointermove', this.handlePointerMove);
    this.canvas.removeEventListener('pointerdown', this.handlePointerDown);
    this.canvas.removeEventListener('pointerup', this.handlePointerUp);
    this.canvas.removeEventListener('pointerleave', this.handlePointerLeave);
    this.controls.dispose();
    for (const object of [this.electrodes, this.aal, this.scalp, this.marker, this.pins]) this.disposeObject(object);
    for (const cortex of [this.pial.lh, this.pial.rh, this.inflated.lh, this.inflated.rh]) this.disposeObject(cortex?.mesh ?? null);
    for (const material of [this.materials.lh, this.materials.rh, this.scalpMaterial, this.electrodeMaterial, ...Object.values(this.depthOnly)]) {
      material.dispose();
    }
    (this.marker.material as MeshBasicMaterial).dispose();
    this.pinMaterial.dispose();
    this.pickTarget.dispose();
    this.renderer.dispose();
    if (this.ownsCanvas) this.canvas.remove();
  }

  private replaceCortex(hemi: Hemisphere, old: Cortex | undefined, mesh: Mesh, anatomy: Float32Array): Cortex {
    this.disposeObject(old?.mesh ?? null);
    const object = withDepthPass(new ThreeMesh(geometryOf(mesh, CORTEX_GREY), this.materials[hemi]), this.depthOnly[hemi]);
    this.scene.add(object);
    return { mesh: object, anatomy };
  }

  /** AAL surface split into left (odd index) and right (even) groups, so each side follows its hemisphere. */
  private makeParcels(mesh: Mesh): ThreeMesh {
    const labels = Int32Array.from(mesh.scalars ?? new Float32Array(mesh.positions.length / 3), Math.round);
    const geometry = geometryOf(mesh, CORTEX_GREY);
    const left: number[] = [];
    const right: number[] = [];
    for (let t = 0; t < mesh.indices.length; t += 3) {
      const side = labels[mesh.indices[t]] % 2 === 1 ? left : right;
      side.push(mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]);
    }
    geometry.setIndex(new BufferAttribute(Uint32Array.from([...left, ...right]), 1));
    geometry.addGroup(0, left.length, 0);
    geometry.addGroup(left.length, right.length, 1);
    const object = withDepthPass(new ThreeMesh(geometry, [this.materials.lh, this.materials.rh]), [this.depthOnly.lh, this.depthOnly.rh]);
    object.userData.labels = labels;
    return object;
  }

  /** Inflated hemispheres side by side, 4 mm apart, centred where the MNI cortex is. */
  private placeInflated(): void {
    const { centre } = this.bounds(true);
    for (const hemi of ['lh', 'rh'] as const) {
      const mesh = this.inflated[hemi]!.mesh;
      mesh.geometry.computeBoundingBox();
      const box = mesh.geometry.boundingBox!;
      const x = hemi === 'lh' ? -2 - box.max.x : 2 - box.min.x;
      mesh.position.set(x, centre.y - (box.min.y + box.max.y) / 2, centre.z - (box.min.z + box.max.z) / 2);
      mesh.updateMatrixWorld();
    }
  }

  private currentCortex(hemi: Hemisphere): Cortex | undefined {
    return this.surface === 'inflated' ? this.inflated[hemi] : this.pial[hemi];
  }

  /**
   * Instance matrices from the contact positions: MNI mm on the pial surface; on the inflated one, each contact
   * moves to the inflated position of its nearest pial vertex (either hemisphere), just outside the surface.
   */
  private placeElectrodes(): void {
    const mesh = this.electrodes;
    if (!mesh) return;
    const r = this.electrodeRadius;
    const inflated = this.surface === 'inflated' && this.inflated.lh && this.inflated.rh;
    if (inflated) for (const hemi of ['lh', 'rh'] as const) this.inflated[hemi]!.grid ??= new PointGrid(this.inflated[hemi]!.anatomy, 10);
    const p = this.electrodePositions;
    for (let i = 0; i < mesh.count; i++) {
      this.point.set(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
      if (inflated) this.snapToInflated(this.point, r);
      this.matrix.makeScale(r, r, r).setPosition(this.point);
      mesh.setMatrixAt(i, this.matrix);
    }
    mesh.instanceMatrix.needsUpdate = true;
    mesh.computeBoundingSphere();
    if (this.selected >= 0) this.setSelected(this.selected);
    if (this.pinned.length) this.setPins(this.pinned);
    this.requestRender();
  }

  private snapToInflated(point: Vector3, radius: number): void {
    let best: { cortex: Cortex; vertex: number; d2: number } | null = null;
    for (const hemi of ['lh', 'rh'] as const) {
      const cortex = this.inflated[hemi]!;
      const vertex = cortex.grid!.nearest(point.x, point.y, point.z);
      if (vertex < 0) continue;
      const a = cortex.anatomy;
      const d2 = (a[3 * vertex] - point.x) ** 2 + (a[3 * vertex + 1] - point.y) ** 2 + (a[3 * vertex + 2] - point.z) ** 2;
      if (!best || d2 < best.d2) best = { cortex, vertex, d2 };
    }
    if (!best) return;
    const geometry = best.cortex.mesh.geometry;
    const normal = geometry.getAttribute('normal');
    point
      .fromBufferAttribute(geometry.getAttribute('position') as BufferAttribute, best.vertex)
      .add(best.cortex.mesh.position)
      .addScaledVector(this.offset.fromBufferAttribute(normal as BufferAttribute, best.vertex), radius * 0.5);
  }

  /** Applies visibility, opacity and which surface is shown; opaque shown surfaces occlude in picking. */
  private updateVisibility(): void {
    const shown = { pial: this.surface === 'pial' && !this.showParcels, inflated: this.surface === 'inflated' };
    for (const hemi of ['lh', 'rh'] as const) {
      const state = this.hemisphereState[hemi];
      applyOpacity(this.materials[hemi], this.depthOnly[hemi], state.visible, state.opacity);
      for (const kind of ['pial', 'inflated'] as const) {
        const cortex = kind === 'pial' ? this.pial[hemi] : this.inflated[hemi];
        if (!cortex) continue;
        cortex.mesh.visible = shown[kind];
        this.setPickable(cortex.mesh, shown[kind] && this.materials[hemi].visible && !this.materials[hemi].transparent);
      }
    }
    if (this.aal) {
      this.aal.visible = this.showParcels && this.surface === 'pial';
      // Occludes in picking only while both sides are opaque (one mesh, one layer mask).
      const opaque = (['lh', 'rh'] as const).every((h) => this.materials[h].visible && !this.materials[h].transparent);
      this.setPickable(this.aal, this.aal.visible && opaque);
    }
    if (this.scalp) this.setPickable(this.scalp, this.scalp.visible && !this.scalpMaterial.transparent);
    this.requestRender();
  }

  private setPickable(object: Object3D, pickable: boolean): void {
    if (pickable) object.layers.enable(PICK_LAYER);
    else object.layers.disable(PICK_LAYER);
  }

  /** Centre and largest half extent of what is loaded (the hemispheres in MNI mm, or a brain-sized default). */
  private bounds(pialOnly = false): { centre: Vector3; radius: number } {
    const meshes = [this.pial.lh?.mesh, this.pial.rh?.mesh, ...(pialOnly ? [] : [this.scalp])].filter((m): m is ThreeMesh => !!m && m.visible);
    if (meshes.length === 0) return { centre: new Vector3(0, -18, 15), radius: 90 };
    const lo = new Vector3(Infinity, Infinity, Infinity);
    const hi = new Vector3(-Infinity, -Infinity, -Infinity);
    for (const mesh of meshes) {
      mesh.geometry.computeBoundingBox();
      lo.min(mesh.geometry.boundingBox!.min);
      hi.max(mesh.geometry.boundingBox!.max);
    }
    const half = hi.clone().sub(lo).multiplyScalar(0.5);
    return { centre: lo.clone().add(hi).multiplyScalar(0.5), radius: Math.max(half.x, half.y, half.z) };
  }

  private resize(): void {
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    if (w === 0 || h === 0) return;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  private disposeObject(object: ThreeMesh | InstancedMesh | null): void {
    if (!object) return;
    this.scene.remove(object);
    object.geometry.dispose();
    if (object instanceof InstancedMesh) object.dispose();
  }

  private readonly handlePointerMove = (event: PointerEvent): void => {
    const rect = this.canvas.getBoundingClientRect();
    this.pointer.x = event.clientX - rect.left;
    this.pointer.y = event.clientY - rect.top;
    this.pointer.inside = true;
    // While dragging the view, no hover picking: the contact under the pointer changes every frame.
    if (event.buttons !== 0 || !this.onHover || this.hoverRequest !== 0) return;
    this.hoverRequest = requestAnimationFrame(this.reportHover);
  };

  private readonly reportHover = (): void => {
    this.hoverRequest = 0;
    if (this.pointer.inside) this.onHover?.(this.pick(this.pointer.x, this.pointer.y), this.pointer.x, this.pointer.y);
  };

  private readonly handlePointerDown = (event: PointerEvent): void => {
    this.pointer.downX = event.clientX;
    this.pointer.downY = event.clientY;
  };

  private readonly handlePointerUp = (event: PointerEvent): void => {
    // A click, not the end of a drag.
    if (Math.hypot(event.clientX - this.pointer.downX, event.clientY - this.pointer.downY) > 4 || !this.onClick) return;
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    this.onClick(this.pick(x, y), x, y);
  };

  private readonly handlePointerLeave = (): void => {
    this.pointer.inside = false;
    this.onHover?.(-1, this.pointer.x, this.pointer.y);
  };
}
