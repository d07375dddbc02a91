// The scene plumbing shared by the 3D views (view/histogramLandscape.ts, view/landscapeScene.ts):
// a three.js WebGPURenderer on the app's device (without one, a page without WebGPU, on three.js's WebGL 2
// backend), a perspective camera with OrbitControls, two lights, resize handling, redraws coalesced into one
// animation frame, and HTML labels projected from 3D onto an overlay. Each view supplies its camera, lights
// and label layer; the content is its own. Drawing only: renders on demand (requestRender), never in a loop.

import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import * as THREE from 'three/webgpu';

const BACKGROUND = 0x0b0f18;

type Vec3 = readonly [number, number, number];

export interface Scene3DOptions {
  /** Accessible name of the canvas. */
  ariaLabel: string;
  camera: { fov: number; near: number; far: number; position: Vec3; target: Vec3 };
  lights: { sky: number; ground: number; hemisphere: number; sun: number; sunPosition: Vec3 };
  /** Class of the label overlay, and its inline style (where no stylesheet places it). */
  labelClass: string;
  labelStyle?: string;
  /** A label shows while its projection lies within ±labelBound in normalized device coordinates. */
  labelBound: number;
}

interface Label {
  element: HTMLElement;
  position: THREE.Vector3;
  group: string;
}

/** Disposes the geometries and materials (and instance buffers) under `object`. */
export function disposeTree(object: THREE.Object3D): void {
  object.traverse((child) => {
    const mesh = child as THREE.Mesh;
    mesh.geometry?.dispose();
    const material = mesh.material as THREE.Material | THREE.Material[] | undefined;
    if (Array.isArray(material)) for (const m of material) m.dispose();
    else material?.dispose();
    if (child instanceof THREE.InstancedMesh) child.dispose();
  });
}

/** Removes and disposes every child of `group`. */
export function clearGroup(group: THREE.Group): void {
  for (const child of [...group.children]) {
    group.remove(child);
    disposeTree(child);
  }
}

/** Line segments between consecutive point pairs (x, y, z, x, y, z, …). */
export function lineSegments(points: number[], color: number, opacity: number, name: string): THREE.LineSegments {
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(points, 3));
  const lines = new THREE.LineSegments(
    geometry,
    new THREE.LineBasicMaterial({ color, transparent: opacity < 1, opacity }),
  );
  lines.name = name;
  return lines;
}

export class Scene3D {
  readonly scene = new THREE.Scene();
  readonly camera: THREE.PerspectiveCamera;
  readonly controls: OrbitControls;
  readonly labelLayer: HTMLElement;
  /** Called before each frame is drawn; returning true asks for another frame (an animation). */
  onFrame: (() => boolean) | undefined;
  private labels: Label[] = [];
  private readonly resizeObserver: ResizeObserver;
  private framePending = false;
  private destroyed = false;

  private constructor(
    private readonly container: HTMLElement,
    readonly renderer: THREE.WebGPURenderer,
    private readonly options: Scene3DOptions,
  ) {
    container.append(renderer.domElement);
    renderer.domElement.setAttribute('aria-label', options.ariaLabel);
    this.labelLayer = document.createElement('div');
    this.labelLayer.className = options.labelClass;
    if (options.labelStyle) this.labelLayer.style.cssText = options.labelStyle;
    container.append(this.labelLayer);
    const { fov, near, far, position, target } = options.camera;
    this.camera = new THREE.PerspectiveCamera(fov, 1, near, far);
    this.camera.position.set(...position);
    this.controls = new OrbitControls(this.camera, renderer.domElement);
    this.controls.target.set(...target);
    this.controls.enableDamping = false;
    this.controls.update();
    this.controls.addEventListener('change', () => this.requestRender());
    this.scene.background = new THREE.Color(BACKGROUND);
    const { sky, ground, hemisphere, sun: sunIntensity, sunPosition } = options.lights;
    this.scene.add(new THREE.HemisphereLight(sky, ground, hemisphere));
    const sun = new THREE.DirectionalLight(0xffffff, sunIntensity);
    sun.position.set(...sunPosition);
    this.scene.add(sun);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  /**
   * A scene drawn into `container` with the app's GPU device (three.js never destroys a device it was given),
   * or, without one (a page without WebGPU), through three.js's WebGL 2 backend.
   */
  static async create(
    container: HTMLElement,
    device: GPUDevice | undefined,
    options: Scene3DOptions,
  ): Promise<Scene3D> {
    const renderer = new THREE.WebGPURenderer(
      device ? { device, antialias: true } : { forceWebGL: true, antialias: true },
    );
    await renderer.init();
    renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    return new Scene3D(container, renderer, options);
  }

  /** An HTML label (class `axis-label className`) pinned to world point (x, y, z), in label group `group`. */
  addLabel(text: string, x: number, y: number, z: number, className = '', group = ''): HTMLElement {
    const element = document.createElement('div');
    element.className = `axis-label ${className}`.trim();
    element.textContent = text;
    this.labelLayer.append(element);
    this.labels.push({ element, position: new THREE.Vector3(x, y, z), group });
    return element;
  }

  /** Removes the labels of `group`, or all labels. */
  clearLabels(group?: string): void {
    const kept: Label[] = [];
    for (const label of this.labels) {
      if (group === undefined || label.group === group) label.element.remove();
      else kept.push(label);
    }
    this.labels = kept;
  }

  private resize(): void {
    const width = Math.max(1, this.container.clientWidth);
    const height = Math.max(1, this.container.clientHeight);
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  /** Coalesces redraws into one per animation frame; keeps going while onFrame says it animates. */
  requestRender(): void {
    if (this.framePending || this.destroyed) return;
    this.framePending = true;
    requestAnimationFrame(() => {
      this.framePending = false;
      if (this.destroyed) return;
      const animating = this.onFrame?.() ?? false;
      this.renderer.render(this.scene, this.camera);
      this.placeLabels();
      if (animating) this.requestRender();
    });
  }

  /**
   * The scene drawn now, with its labels, on a 2D canvas (for a PNG export): a WebGPU (or WebGL) canvas can
   * only be read in the task that drew it, so this renders and copies at once.
   */
  snapshot(): HTMLCanvasElement {
    this.renderer.render(this.scene, this.camera);
    this.placeLabels();
    const source = this.renderer.domElement;
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height;
    const context = canvas.getContext('2d');
    if (!context) return canvas;
    context.drawImage(source, 0, 0);
    const scale = source.width / Math.max(1, this.container.clientWidth);
    context.scale(scale, scale);
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    for (const { element } of this.labels) {
      if (element.style.display === 'none') continue;
      const style = getComputedStyle(element);
      const x = Number.parseFloat(element.style.left);
      const y = Number.parseFloat(element.style.top);
      context.font = `${style.fontSize} ${style.fontFamily}`;
      const width = context.measureText(element.textContent ?? '').width;
      const height = Number.parseFloat(style.fontSize) * 1.3;
      context.fillStyle = style.backgroundColor;
      context.fillRect(x - width / 2 - 3, y - height / 2, width + 6, height);
      context.fillStyle = style.color;
      context.fillText(element.textContent ?? '', x, y);
    }
    return canvas;
  }

  private placeLabels(): void {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    const bound = this.options.labelBound;
    const projected = new THREE.Vector3();
    for (const { element, position } of this.labels) {
      projected.copy(position).project(this.camera);
      const visible = projected.z < 1 && Math.abs(projected.x) <= bound && Math.abs(projected.y) <= bound;
      element.style.display = visible ? '' : 'none';
      element.style.left = `${((projected.x + 1) / 2) * width}px`;
      element.style.top = `${((1 - projected.y) / 2) * height}px`;
    }
  }

  /** Stops rendering, disposes everything in the scene and removes the canvas and the labels. */
  destroy(): void {
    this.destroyed = true;
    this.resizeObserver.disconnect();
    this.controls.dispose();
    disposeTree(this.scene);
    this.clearLabels();
    this.renderer.dispose();
    this.renderer.domElement.remove();
    this.labelLayer.remove();
  }
}
