// `npm run config:reference`: rewrites config/REFERENCE.md from the schemas.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { configReference } from './reference.ts'

const file = join(import.meta.dirname, 'REFERENCE.md')
writeFileSync(file, configReference())
console.log(`wrote ${file}`)
